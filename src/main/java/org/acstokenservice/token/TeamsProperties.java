package org.acstokenservice.token;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Teams token exchange ({@code POST /token/teams}).
 *
 * @param clientId the Entra ID application (client) id that Teams users sign in to; the
 * exchange is off while it is not set
 */
@ConfigurationProperties("token-service.teams")
record TeamsProperties(String clientId) {
}
