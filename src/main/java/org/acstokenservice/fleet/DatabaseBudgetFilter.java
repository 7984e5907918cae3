package org.acstokenservice.fleet;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import org.springframework.core.Ordered;

/**
 * Gives every request's thread its {@link DatabaseBudget}, first of all filters, so that
 * the sign-in's waits count as well.
 */
class DatabaseBudgetFilter implements Filter, Ordered {

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		try (DatabaseBudget.Scope budget = DatabaseBudget.open(DatabaseBudget.PER_REQUEST)) {
			chain.doFilter(request, response);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
