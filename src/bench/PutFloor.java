import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The least a server on the JVM does to store an upload the way ours must, as a yardstick for ours' PUT row: receive
 * the body of an HTTP/1.1 {@code PUT} with a {@code Content-Length}, hash every byte with the JDK's SHA-256, write it
 * to a temporary file, force that file to the disk (as ours does with fsync on: every 64 MiB while the upload goes
 * on, beside the writes, and once at its end) and rename it into place. Nothing
 * else: no framework, no name checks, no event loop, no hand-off over an event bus, no log. Each upload gets three
 * threads, as many as the work has stages (the socket, the hash, the file), handing 1 MiB direct buffers round a ring
 * of eight, so that no byte is copied in the JVM besides what the hash reads and no stage waits for another while a
 * buffer is free. What it stores per second bounds what any JVM server that hashes can store here, ours included.
 * {@code java PutFloor.java DIR PORT [nohash] [nofsync]}: stores {@code PUT /packages/NAME} as DIR/NAME; {@code nohash}
 * leaves out the hash (it answers no SHA-256) and {@code nofsync} the force, to show what each costs.
 */
public final class PutFloor {

  private static final int BUFFER_BYTES = 1024 * 1024;
  private static final int BUFFERS = 8;
  /** A buffer of the ring, full, and its index there. */
  private record Full(int index, ByteBuffer bytes) {
  }

  private static final Full END = new Full(-1, null);

  private static boolean hash = true;
  private static boolean fsync = true;

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    for (int i = 2; i < args.length; i++) {
      hash &= !args[i].equals("nohash");
      fsync &= !args[i].equals("nofsync");
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 256);
    while (true) {
      SocketChannel client = server.accept();
      new Thread(() -> serve(client, dir), "upload").start();
    }
  }

  private static void serve(SocketChannel client, Path dir) {
    try (client) {
      ByteBuffer head = ByteBuffer.allocate(16 * 1024);
      int end;
      while ((end = headEnd(head)) < 0) {
        if (client.read(head) < 0) {
          return;
        }
      }
      String[] lines = new String(head.array(), 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = lines[0].split(" ");
      long length = -1;
      boolean expect = false;
      for (String line : lines) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(line.substring(15).trim());
        } else if (lower.startsWith("expect:")) {
          expect = true;
        }
      }
      if (requestLine[0].equals("GET")) {
        answer(client, "200 OK", "[]");   // so that a bench waits for it to answer as for the others
        return;
      }
      if (!requestLine[0].equals("PUT") || !requestLine[1].startsWith("/packages/") || length < 0) {
        answer(client, "400 Bad Request", "{\"error\":\"PUT /packages/NAME with a Content-Length\"}");
        return;
      }
      if (expect) {
        client.write(ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
      }
      ByteBuffer early = ByteBuffer.wrap(head.array(), end + 4, head.position() - end - 4);
      Path target = dir.resolve(requestLine[1].substring("/packages/".length()));
      String sha256 = store(client, early, length, target);
      answer(client, "201 Created", "{\"sha256\":\"" + sha256 + "\"}");
    } catch (Exception e) {
      System.err.println("upload failed: " + e);
    }
  }

  /** Where the request head ends (its CR LF CR LF), or -1. */
  private static int headEnd(ByteBuffer head) {
    byte[] b = head.array();
    for (int i = 0; i + 3 < head.position(); i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String store(SocketChannel client, ByteBuffer early, long length, Path target) throws Exception {
    Path temporary = target.resolveSibling(target.getFileName() + ".part");
    ByteBuffer[] ring = new ByteBuffer[BUFFERS];
    AtomicInteger[] uses = new AtomicInteger[BUFFERS];
    BlockingQueue<Integer> free = new ArrayBlockingQueue<>(BUFFERS);
    for (int i = 0; i < BUFFERS; i++) {
      ring[i] = ByteBuffer.allocateDirect(BUFFER_BYTES);
      uses[i] = new AtomicInteger();
      free.add(i);
    }
    BlockingQueue<Full> toHash = new ArrayBlockingQueue<>(BUFFERS + 1);
    BlockingQueue<Full> toWrite = new ArrayBlockingQueue<>(BUFFERS + 1);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    AtomicReference<Exception> failed = new AtomicReference<>();
    try {
      storeTo(temporary, client, early, length, ring, uses, free, toHash, toWrite, digest, failed);
    } catch (Exception e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return hash ? HexFormat.of().formatHex(digest.digest()) : "";
  }

  private static void storeTo(Path temporary, SocketChannel client, ByteBuffer early, long length, ByteBuffer[] ring,
                              AtomicInteger[] uses, BlockingQueue<Integer> free, BlockingQueue<Full> toHash,
                              BlockingQueue<Full> toWrite, MessageDigest digest, AtomicReference<Exception> failed)
    throws Exception {
    try (FileChannel file = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
      Thread hasher = new Thread(() -> drain(toHash, free, uses, failed, hash ? digest::update : bytes -> { }), "hash");
      ProgressiveForce force = new ProgressiveForce(file);
      Thread writer = new Thread(() -> drain(toWrite, free, uses, failed, bytes -> {
        int n = bytes.remaining();
        while (bytes.hasRemaining()) {
          file.write(bytes);
        }
        force.written(n);
      }), "write");
      hasher.start();
      writer.start();
      long left = length;
      try {
        while (left > 0) {
          int index = free.take();
          ByteBuffer buffer = ring[index].clear();
          buffer.limit((int) Math.min(buffer.capacity(), left));
          while (early.hasRemaining() && buffer.hasRemaining()) {
            buffer.put(early.get());
          }
          while (buffer.hasRemaining()) {
            if (client.read(buffer) < 0) {
              throw new IOException("the client closed the connection " + (left - buffer.position()) + " bytes short");
            }
          }
          buffer.flip();
          left -= buffer.remaining();
          uses[index].set(2);
          toHash.put(new Full(index, buffer.duplicate()));
          toWrite.put(new Full(index, buffer.duplicate()));
        }
      } finally {
        // Also when the client went away: both stages stop, so that no thread waits for ever.
        toHash.put(END);
        toWrite.put(END);
        hasher.join();
        writer.join();
      }
      if (failed.get() != null) {
        throw failed.get();
      }
      if (fsync) {
        force.finish();
      }
    }
  }

  /**
   * Forces the file every {@link #EVERY} bytes on a thread of its own while the writes go on, as ours does, so that the
   * disk writes most of an upload while it arrives and the last force finds little left.
   */
  private static final class ProgressiveForce {
    private static final long EVERY = 64L * 1024 * 1024;
    private final FileChannel file;
    private final ExecutorService forcer = fsync ? Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "force");
      thread.setDaemon(true);   // an upload that failed leaves it idle, never in the way of the exit
      return thread;
    }) : null;
    private long unforced;
    private Future<?> forcing = CompletableFuture.completedFuture(null);

    ProgressiveForce(FileChannel file) {
      this.file = file;
    }

    /** On the writing thread. */
    void written(long bytes) {
      unforced += bytes;
      if (fsync && unforced >= EVERY && forcing.isDone()) {
        unforced = 0;
        forcing = forcer.submit(() -> {
          file.force(false);
          return null;
        });
      }
    }

    /** Forces what is left; called only with fsync. */
    void finish() throws Exception {
      forcing.get();
      forcer.shutdown();
      file.force(false);
    }
  }

  private interface Stage {
    void take(ByteBuffer bytes) throws Exception;
  }

  /** Runs one stage over the buffers given to it; a buffer is free again once both stages have taken it. */
  private static void drain(BlockingQueue<Full> queue, BlockingQueue<Integer> free, AtomicInteger[] uses,
                            AtomicReference<Exception> failed, Stage stage) {
    try {
      Full full;
      while ((full = queue.take()) != END) {
        if (failed.get() == null) {
          try {
            stage.take(full.bytes());
          } catch (Exception e) {
            failed.compareAndSet(null, e);   // keep freeing buffers, so that the reader never waits for ever
          }
        }
        if (uses[full.index()].decrementAndGet() == 0) {
          free.put(full.index());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void answer(SocketChannel client, String status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
      + "\r\nConnection: close\r\n\r\n";
    client.write(new ByteBuffer[] {ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)), ByteBuffer.wrap(body)});
  }
}
