import type { StackId, StackPack } from './kit.js';
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

/** Every fix pack by its id (the type makes a missing pack a compile error), in the order the stack picker lists them. */
const PACKS: Readonly<Record<StackId, StackPack>> = {
  express, fastify, koa, hono, nestjs, nextjs, 'cloudflare-workers': cloudflareWorkers,
  nginx, apache, caddy,
  'spring-boot': springBoot, 'aspnet-core': aspnetCore, django, flask, fastapi, go, rails,
  'aws-api-gateway': awsApiGateway, 'aws-s3': awsS3,
};

export const STACKS: readonly StackPack[] = Object.values(PACKS);

export const STACK_IDS: readonly StackId[] = STACKS.map((stack) => stack.id);

export function stackPack(id: StackId): StackPack {
  return PACKS[id];
}

export function isStackId(value: string): value is StackId {
  return Object.hasOwn(PACKS, value);
}

export interface StackInfo {
  readonly id: StackId;
  readonly label: string;
  readonly language: StackPack['language'];
  readonly verified: boolean;
}
