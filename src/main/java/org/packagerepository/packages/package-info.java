/**
 * Package file names ({@code <name>-<version>.tar.gz}), their versions and the JSON listing of
 * {@code GET /packages}.
 */
package org.packagerepository.packages;
