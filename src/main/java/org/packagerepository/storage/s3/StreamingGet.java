package org.packagerepository.storage.s3;

import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A GetObject whose body is a publisher that also fails when the connection breaks in the middle of the body. The
 * SDK's own {@code AsyncResponseTransformer.toPublisher()} (2.40.2) only fails its future, which has completed on the
 * headers long before: its subscriber then waits forever. Here a failure after the headers goes to whoever listens
 * through {@link #onBodyFailure}.
 */
final class StreamingGet implements AsyncResponseTransformer<GetObjectResponse, StreamingGet> {

  private volatile CompletableFuture<StreamingGet> future;
  private volatile GetObjectResponse response;
  private volatile SdkPublisher<ByteBuffer> body;
  private volatile Consumer<Throwable> bodyFailure;
  private volatile Throwable failedEarly;

  GetObjectResponse response() {
    return response;
  }

  SdkPublisher<ByteBuffer> body() {
    return body;
  }

  /** {@code listener} hears of a failure of the body (at once if it has already failed). */
  void onBodyFailure(Consumer<Throwable> listener) {
    bodyFailure = listener;
    Throwable failed = failedEarly;
    if (failed != null) {
      listener.accept(failed);
    }
  }

  @Override
  public CompletableFuture<StreamingGet> prepare() {
    future = new CompletableFuture<>();
    return future;
  }

  @Override
  public void onResponse(GetObjectResponse response) {
    this.response = response;
  }

  @Override
  public void onStream(SdkPublisher<ByteBuffer> publisher) {
    body = publisher;
    future.complete(this);
  }

  @Override
  public void exceptionOccurred(Throwable error) {
    if (future.completeExceptionally(error)) {
      return;
    }
    failedEarly = error;
    Consumer<Throwable> listener = bodyFailure;
    if (listener != null) {
      listener.accept(error);
    }
  }
}
