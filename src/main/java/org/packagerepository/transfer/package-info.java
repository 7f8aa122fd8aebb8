/**
 * Credit-based streaming of large payloads over the Vert.x event bus.
 * <p>
 * The event bus has no flow control (a paused consumer buffers 1000 messages, then drops), so a transfer pairs a
 * {@link org.packagerepository.transfer.ChunkSender} ({@code WriteStream<Buffer>}) with a
 * {@link org.packagerepository.transfer.ChunkReceiver} ({@code ReadStream<Buffer>}): both directions are plain
 * {@code pipeTo} calls, and memory per transfer is bounded by the receiver's credit window.
 * <p>
 * Set-up order: the receiving side creates the {@code ChunkReceiver} (its data consumer exists from then on), tells
 * the peer the transfer id, the peer creates the {@code ChunkSender} and starts writing (writes queue until credit
 * arrives), then the receiving side starts reading (handler/resume/fetch/pipeTo), which grants the first credit.
 * <p>
 * Protocol, for transfer {@code id}:
 * <ul>
 *   <li>to {@link org.packagerepository.transfer.Transfers#dataAddress(String)} (receiver): data chunks as
 *   {@code Buffer} bodies, sent one-way with {@link org.packagerepository.transfer.Transfers#bufferDelivery()}
 *   (pass-through codec, no copy); control as {@code JsonObject}: {@code {"type":"end"}},
 *   {@code {"type":"cancel","code","message"}};</li>
 *   <li>to {@link org.packagerepository.transfer.Transfers#controlAddress(String)} (sender), {@code JsonObject}:
 *   {@code {"type":"credit","bytes":n}}, {@code {"type":"cancel","code","message"}},
 *   {@code {"type":"outcome","result":{...}}}, {@code {"type":"failed","code","message"}}.</li>
 * </ul>
 * The receiver tells data from control by the body's class. Only the data delivery options are local-only; nothing
 * else ties the protocol to a local event bus.
 */
package org.packagerepository.transfer;
