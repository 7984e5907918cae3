package org.acstokenservice.fleet;

/**
 * The feed of a single instance (local mode, on H2): nothing changes but what this
 * instance changes itself, and its writers update their memory as they commit.
 */
class LocalChangeFeed implements ChangeFeed {

	@Override
	public boolean upToDate() {
		return true;
	}

	@Override
	public void subscribe(String topic, Listener listener) {
	}

	@Override
	public void awaitPropagation(long committedAt) {
	}

}
