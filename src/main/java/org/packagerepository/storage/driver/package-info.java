/**
 * What a backend is built on, below the storage contract: {@link org.packagerepository.storage.driver.StorageVerticle}
 * answers the contract's messages and runs the write protocol once for every backend (conditions, verification, the
 * package's turn in the {@link org.packagerepository.storage.driver.ChangeQueue}, the cluster's lock through
 * {@link org.packagerepository.storage.driver.Coordination}, events); a backend supplies its steps and an
 * {@link org.packagerepository.storage.driver.Upload}. The rest are helpers some backends use: the listing cache, a
 * {@link org.packagerepository.storage.driver.SharedChannel} of a local file, a store's cancellable stream, and the
 * bases of read streams that make their buffers on demand
 * ({@link org.packagerepository.storage.driver.DemandReadStream}) or pass calls on to another
 * ({@link org.packagerepository.storage.driver.ForwardingReadStream}).
 */
package org.packagerepository.storage.driver;
