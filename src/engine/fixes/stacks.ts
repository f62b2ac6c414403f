import type { StackPack } from './kit.js';
import { apache } from './stacks/apache.js';
import { aspnetCore } from './stacks/aspnet-core.js';
import { awsApiGateway } from './stacks/aws-api-gateway.js';
import { awsS3 } from './stacks/aws-s3.js';
import { caddy } from './stacks/caddy.js';
import { cloudflareWorkers } from './stacks/cloudflare-workers.js';
import { django } from './stacks/django.js';
import { express } from './stacks/express.js';
import { fastapi } from './stacks/fastapi.js';
import { fastify } from './stacks/fastify.js';
import { flask } from './stacks/flask.js';
import { go } from './stacks/go.js';
import { hono } from './stacks/hono.js';
import { koa } from './stacks/koa.js';
import { nestjs } from './stacks/nestjs.js';
import { nextjs } from './stacks/nextjs.js';
import { nginx } from './stacks/nginx.js';
import { rails } from './stacks/rails.js';
import { springBoot } from './stacks/spring-boot.js';

/** Every fix pack, in the order the stack picker lists them. One file per stack under stacks/. */
export const STACKS: readonly StackPack[] = [
  express, fastify, koa, hono, nestjs, nextjs, cloudflareWorkers,
  nginx, apache, caddy,
  springBoot, aspnetCore, django, flask, fastapi, go, rails,
  awsApiGateway, awsS3,
];

export const STACK_IDS: readonly string[] = STACKS.map((stack) => stack.id);

export interface StackInfo {
  readonly id: string;
  readonly label: string;
  readonly language: StackPack['language'];
  readonly verified: boolean;
}
