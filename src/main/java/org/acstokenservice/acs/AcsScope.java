package org.acstokenservice.acs;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The token scopes that ACS knows, by their wire names. */
public enum AcsScope {

	CHAT("chat"),

	VOIP("voip"),

	CHAT_JOIN("chat.join"),

	CHAT_JOIN_LIMITED("chat.join.limited"),

	VOIP_JOIN("voip.join");

	private final String wireName;

	AcsScope(String wireName) {
		this.wireName = wireName;
	}

	/** The name ACS and the HTTP contract use, such as {@code chat.join}. */
	public String wireName() {
		return this.wireName;
	}

	public static Optional<AcsScope> fromWireName(String name) {
		return Arrays.stream(values()).filter((scope) -> scope.wireName.equals(name)).findFirst();
	}

	public static List<String> wireNames() {
		return Arrays.stream(values()).map(AcsScope::wireName).toList();
	}

}
