package org.acstokenservice.web;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The web server's side of the HTTP contract: what Tomcat refuses before Spring sees a
 * request is answered as problem+json too, and request bodies are kept small.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpProperties.class)
class WebConfiguration {

	/**
	 * Tomcat refuses an encoded slash in a path ({@code /users/a%2Fb/identity}) with its
	 * own HTML page, before anything of the service runs. Passed through, Spring
	 * Security's firewall refuses it instead, and the answer is a problem like any other.
	 */
	@Bean
	TomcatConnectorCustomizer encodedSlashesReachTheFirewall() {
		return (connector) -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
	}

	/**
	 * Replaces Tomcat's error report valve (Boot adds one without the stack trace) with
	 * one that writes problem+json, for the requests that Tomcat refuses before Spring
	 * sees them. Runs after Boot's customizer, so that Boot's valve is there to remove.
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReportValve(Problems problems) {
		return new ProblemErrorReportValveCustomizer(problems);
	}

	@Bean
	RequestBodyLimitFilter requestBodyLimitFilter(HttpProperties properties, Problems problems) {
		return new RequestBodyLimitFilter(properties.maxRequestBody().toBytes(), problems);
	}

	private record ProblemErrorReportValveCustomizer(
			Problems problems) implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

		@Override
		public void customize(TomcatServletWebServerFactory factory) {
			factory.addContextCustomizers((context) -> {
				if (context.getParent() instanceof StandardHost host) {
					for (Valve valve : host.getPipeline().getValves()) {
						if (valve instanceof ErrorReportValve) {
							host.getPipeline().removeValve(valve);
						}
					}
					host.getPipeline().addValve(new ProblemErrorReportValve(this.problems));
					// Else the host adds its default valve again at start.
					host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
				}
			});
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
