package org.acstokenservice.ratelimit;

/**
 * What one bucket tells and asks the database in a statement.
 *
 * @param told what the bucket granted since it last told, which the database takes
 * whatever is left
 * @param asked an exact bucket's tokens asked for, which the database grants from what is
 * left
 * @param reserve how many instances may grant from the bucket, once each, as they last
 * saw it full; zero for limits that never grant so
 * @param ownKept whether this instance has not granted so since the bucket was last full:
 * what it asks for need not leave its own event
 */
record BucketRequest(String key, int told, int asked, BucketLimit limit, int reserve, boolean ownKept) {

	/** What a bucket granted and did not tell. */
	BucketRequest(String key, int told, BucketLimit limit) {
		this(key, told, 0, limit, 0, false);
	}

	BucketRequest plus(BucketRequest other) {
		return new BucketRequest(this.key, this.told + other.told, this.asked + other.asked, this.limit,
				Math.max(this.reserve, other.reserve), this.ownKept && other.ownKept);
	}

}
