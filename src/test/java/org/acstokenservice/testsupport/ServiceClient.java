package org.acstokenservice.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls a running service over real HTTP, as a front end would. A user is named by id;
 * the client's sign-in strategy turns the id into an {@code Authorization} header: the
 * demo users' HTTP Basic by default, or {@link TestUsers#authorization(String) JWT
 * users}. A {@code null} user sends no credentials.
 */
public final class ServiceClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String baseUrl;

	private final Function<String, String> authorization;

	private final String forwardedFor;

	/** A client that signs in as the demo users: password = user name. */
	public ServiceClient(int port) {
		this(port, (user) -> basic(user, user));
	}

	/** A client that signs in by the given strategy: user id to Authorization header. */
	public ServiceClient(int port, Function<String, String> authorization) {
		this("http://127.0.0.1:" + port, authorization, null);
	}

	private ServiceClient(String baseUrl, Function<String, String> authorization, String forwardedFor) {
		this.baseUrl = baseUrl;
		this.authorization = authorization;
		this.forwardedFor = forwardedFor;
	}

	/**
	 * The same client behind a proxy: every request says it was forwarded for the given
	 * address ({@code X-Forwarded-For}), which the service believes only from a proxy it
	 * trusts.
	 */
	public ServiceClient forwardedFor(String address) {
		return new ServiceClient(this.baseUrl, this.authorization, address);
	}

	public HttpResponse<String> post(String path, String user, String body) {
		return post(request(path, user), body);
	}

	/** Posts with a bearer token that the test made itself, good or bad. */
	public HttpResponse<String> postWithToken(String path, String bearerToken, String body) {
		return post(request(path, null).header("Authorization", "Bearer " + bearerToken), body);
	}

	/** Gets with a bearer token that the test made itself, good or bad. */
	public HttpResponse<String> getWithToken(String path, String bearerToken) {
		return send(request(path, null).header("Authorization", "Bearer " + bearerToken).GET().build());
	}

	private HttpResponse<String> post(HttpRequest.Builder request, String body) {
		if (body != null) {
			request.header("Content-Type", "application/json");
			request.POST(HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.POST(HttpRequest.BodyPublishers.noBody());
		}
		return send(request.build());
	}

	public HttpResponse<String> get(String path, String user) {
		return send(request(path, user).GET().build());
	}

	public HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public HttpRequest.Builder request(String path, String user) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(30));
		if (user != null) {
			request.header("Authorization", this.authorization.apply(user));
		}
		if (this.forwardedFor != null) {
			request.header("X-Forwarded-For", this.forwardedFor);
		}
		return request;
	}

	public static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	public static JsonNode json(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

}
