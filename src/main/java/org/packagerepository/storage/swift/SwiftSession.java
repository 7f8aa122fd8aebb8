package org.packagerepository.storage.swift;

/**
 * A token and where it works.
 *
 * @param storageUrl  the account's URL, e.g. {@code https://swift.example/v1/AUTH_project}
 * @param token       the value of {@code X-Auth-Token}
 * @param expiresAt   when the token stops working, in {@link System#nanoTime()} terms
 */
public record SwiftSession(String storageUrl, String token, long expiresAt) {
}
