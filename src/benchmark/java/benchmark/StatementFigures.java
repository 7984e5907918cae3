package benchmark;

/**
 * Row 19's figures for one measured window.
 *
 * @param database the database the window's statements were counted in
 * @param counts what PostgreSQL counted; null when it cannot count statements
 * @param tokenAnswers the {@code /token} answers that the instances counted over the same
 * window
 */
record StatementFigures(String database, DatabaseStatements.Counts counts, double tokenAnswers) {
}
