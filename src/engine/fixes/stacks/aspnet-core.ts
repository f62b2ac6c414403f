import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'AllowAnyOrigin() with AllowCredentials() throws; name the origin with WithOrigins (no trailing slash).',
  'an unhandled exception clears the response headers, CORS ones included; return errors through UseExceptionHandler/ProblemDetails placed before UseCors.',
];

export const aspnetCore: StackPack = {
  id: 'aspnet-core',
  label: 'ASP.NET Core',
  language: 'csharp',
  traps: {
    'preflight-invalid-status': ['UseCors must come after UseRouting and BEFORE UseAuthentication/UseAuthorization, or [Authorize] endpoints answer the preflight 401.'],
    'multiple-allow-origin-values': ['a web.config / IIS customHeaders entry or a proxy adding Access-Control-Allow-Origin as well doubles it; keep only UseCors.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const policy = [
      allowedOrigins(needs).length === 0 ? '        .AllowAnyOrigin()' : `        .WithOrigins(${originsList(needs)})`,
      ...(needs.preflight ? [`        .WithMethods(${qList(['GET', 'HEAD', 'POST', ...needs.methods.filter((m) => !['GET', 'HEAD', 'POST'].includes(m))])})`] : []),
      ...(needs.allowHeaders.length > 0 ? [`        .WithHeaders(${qList(needs.allowHeaders)})`] : []),
      ...(exposeHeadersOf(needs).length > 0 ? [`        .WithExposedHeaders(${qList(exposeHeadersOf(needs))})`] : []),
      ...(maxAgeOf(needs) !== null ? [`        .SetPreflightMaxAge(TimeSpan.FromSeconds(${maxAgeOf(needs) ?? 0}))`] : []),
      ...(needs.credentials ? ['        .AllowCredentials()'] : []),
    ];
    const last = policy.length - 1;
    policy[last] = `${policy[last] ?? ''});`;
    return joinLines([
      ...comment('//', 'ASP.NET Core — Program.cs. Register the policy with the services, then add UseCors to the pipeline in the order shown.'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      'builder.Services.AddCors(options =>',
      '{',
      '    options.AddPolicy("CorsLens", policy => policy',
      ...policy,
      '});',
      '',
      '// var app = builder.Build(); …',
      'app.UseRouting();',
      'app.UseCors("CorsLens");',
      'app.UseAuthentication();',
      'app.UseAuthorization();',
      ...trapLines('//', aspnetCore, rule, ALWAYS, needs),
    ]);
  },
};
