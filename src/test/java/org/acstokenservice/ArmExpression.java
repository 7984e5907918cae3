package org.acstokenservice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Just enough of Azure Resource Manager's template expressions to read the settings that
 * a template builds with {@code createObject}: string literals, {@code parameters} (their
 * default values), {@code variables}, {@code createObject}, {@code string} and {@code if}
 * (its "then" branch). Every other function stands for some value: {@link #UNKNOWN}.
 */
final class ArmExpression {

	/** What a function that needs Azure (reference, resourceId, format…) stands for. */
	static final String UNKNOWN = "unknown";

	private final String text;

	private final JsonNode template;

	private int position;

	private ArmExpression(String text, JsonNode template) {
		this.text = text;
		this.template = template;
	}

	/** The value of a template string: an expression in brackets, or a literal. */
	static Object evaluate(String value, JsonNode template) {
		if (!value.startsWith("[") || value.startsWith("[[")) {
			return value;
		}
		ArmExpression expression = new ArmExpression(value.substring(1, value.length() - 1), template);
		Object result = expression.expression();
		expression.skipSpaces();
		if (expression.position != expression.text.length()) {
			throw new IllegalArgumentException("Unexpected text at " + expression.position + " in " + value);
		}
		return result;
	}

	/** Adds the dotted property names of a nested map's leaves. */
	static void flatten(String prefix, Object value, List<String> names) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, child) -> flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key, child, names));
		}
		else {
			names.add(prefix);
		}
	}

	private Object expression() {
		skipSpaces();
		Object value;
		if (peek() == '\'') {
			value = literal();
		}
		else {
			int start = this.position;
			while (this.position < this.text.length() && Character.isLetterOrDigit(peek())) {
				this.position++;
			}
			String name = this.text.substring(start, this.position);
			if (name.isEmpty()) {
				throw new IllegalArgumentException("Expected a function at " + start + " in " + this.text);
			}
			if (name.chars().allMatch(Character::isDigit) || name.equals("true") || name.equals("false")) {
				return name;
			}
			expect('(');
			List<Object> arguments = new ArrayList<>();
			skipSpaces();
			if (peek() != ')') {
				arguments.add(expression());
				skipSpaces();
				while (peek() == ',') {
					this.position++;
					arguments.add(expression());
					skipSpaces();
				}
			}
			expect(')');
			value = call(name, arguments);
		}
		return accessors(value);
	}

	private Object accessors(Object value) {
		skipSpaces();
		if (this.position < this.text.length() && (peek() == '.' || peek() == '[')) {
			if (peek() == '.') {
				this.position++;
				while (this.position < this.text.length() && Character.isLetterOrDigit(peek())) {
					this.position++;
				}
			}
			else {
				this.position++;
				expression();
				expect(']');
			}
			return accessors(UNKNOWN);
		}
		return value;
	}

	private Object call(String name, List<Object> arguments) {
		return switch (name) {
			case "parameters" -> {
				JsonNode parameter = this.template.path("parameters").path((String) arguments.get(0));
				yield parameter.has("defaultValue") ? evaluate(parameter.path("defaultValue").asString(), this.template)
						: UNKNOWN;
			}
			case "variables" ->
				evaluate(this.template.path("variables").path((String) arguments.get(0)).asString(), this.template);
			case "createObject" -> {
				Map<String, Object> object = new LinkedHashMap<>();
				for (int i = 0; i + 1 < arguments.size(); i += 2) {
					object.put(arguments.get(i).toString(), arguments.get(i + 1));
				}
				yield object;
			}
			case "string" -> arguments.get(0);
			case "if" -> arguments.get(1);
			default -> UNKNOWN;
		};
	}

	private String literal() {
		StringBuilder literal = new StringBuilder();
		this.position++;
		while (true) {
			if (this.position >= this.text.length()) {
				throw new IllegalArgumentException("Unterminated string in " + this.text);
			}
			char next = this.text.charAt(this.position++);
			if (next == '\'') {
				if (this.position < this.text.length() && peek() == '\'') {
					literal.append('\'');
					this.position++;
				}
				else {
					return literal.toString();
				}
			}
			else {
				literal.append(next);
			}
		}
	}

	private void expect(char expected) {
		skipSpaces();
		if (this.position >= this.text.length() || peek() != expected) {
			throw new IllegalArgumentException("Expected '" + expected + "' at " + this.position + " in " + this.text);
		}
		this.position++;
	}

	private char peek() {
		return this.text.charAt(this.position);
	}

	private void skipSpaces() {
		while (this.position < this.text.length() && peek() == ' ') {
			this.position++;
		}
	}

}
