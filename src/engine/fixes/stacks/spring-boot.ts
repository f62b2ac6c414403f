import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'allowedOrigins("*") with allowCredentials(true) throws at startup; list the origin (or use allowedOriginPatterns).',
  'with Spring Security, a WebMvcConfigurer mapping alone runs after the security filters, so the preflight gets 401/403: also call http.cors(Customizer.withDefaults()) as shown.',
];

export const springBoot: StackPack = {
  id: 'spring-boot',
  label: 'Spring Boot',
  language: 'java',
  traps: {
    'preflight-invalid-status': ['do not permit OPTIONS by hand in the security chain instead of http.cors(): the 204 then comes without CORS headers.'],
    'disallowed-request-method': ['Spring allows only GET, HEAD and POST unless allowedMethods lists more.'],
    'multiple-allow-origin-values': ['@CrossOrigin on a controller plus a global mapping, or a proxy adding the header, doubles it; configure CORS in one place.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const methods = needs.methods.length > 0 ? ['GET', 'HEAD', 'POST', ...needs.methods.filter((m) => !['GET', 'HEAD', 'POST'].includes(m))] : [];
    return joinLines([
      ...comment('//', 'Spring Boot — a configuration class next to your application class, e.g. src/main/java/…/CorsConfig.java. The CorsConfigurationSource bean is used by Spring Security (http.cors) and by Spring MVC.'),
      ...comment('//', ruleNote(rule, needs)),
      ...comment('//', filledWith(needs)),
      'import java.util.List;',
      'import org.springframework.context.annotation.Bean;',
      'import org.springframework.context.annotation.Configuration;',
      'import org.springframework.web.cors.CorsConfiguration;',
      'import org.springframework.web.cors.CorsConfigurationSource;',
      'import org.springframework.web.cors.UrlBasedCorsConfigurationSource;',
      '',
      '@Configuration',
      'public class CorsConfig {',
      '    @Bean',
      '    CorsConfigurationSource corsConfigurationSource() {',
      '        CorsConfiguration cors = new CorsConfiguration();',
      allowedOrigins(needs).length === 0 ? '        cors.setAllowedOrigins(List.of("*"));' : `        cors.setAllowedOrigins(List.of(${originsList(needs)}));`,
      ...(needs.credentials ? ['        cors.setAllowCredentials(true);'] : []),
      ...(methods.length > 0 ? [`        cors.setAllowedMethods(List.of(${qList(methods)}));`] : []),
      ...(needs.allowHeaders.length > 0 ? [`        cors.setAllowedHeaders(List.of(${qList(needs.allowHeaders)}));`] : []),
      ...(exposeHeadersOf(needs).length > 0 ? [`        cors.setExposedHeaders(List.of(${qList(exposeHeadersOf(needs))}));`] : []),
      ...(maxAgeOf(needs) !== null ? [`        cors.setMaxAge(${maxAgeOf(needs) ?? 0}L);`] : []),
      '        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();',
      '        source.registerCorsConfiguration("/**", cors);',
      '        return source;',
      '    }',
      '}',
      '',
      ...comment('//', 'With Spring Security, in your SecurityFilterChain bean: http.cors(Customizer.withDefaults()); — it runs CORS (and answers preflights) before authentication.'),
      ...trapLines('//', springBoot, rule, ALWAYS, needs),
    ]);
  },
};
