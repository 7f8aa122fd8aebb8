import java.security.MessageDigest;
import java.util.Random;

/**
 * How fast this JDK hashes with SHA-256 on one core, in MiB/s: what every upload to the server costs at least, since
 * it hashes each byte it stores. Hashes 64 KiB chunks (the size the server receives them in) from memory, 1 GiB after
 * 1 GiB of warm-up, so that neither the disk nor the JIT is measured. Run with the source launcher:
 * {@code java Sha256Speed.java}.
 */
public final class Sha256Speed {

  public static void main(String[] args) throws Exception {
    byte[] chunk = new byte[64 * 1024];
    new Random(1).nextBytes(chunk);
    int chunks = 16384;   // 1 GiB
    hash(chunk, chunks);
    long start = System.nanoTime();
    hash(chunk, chunks);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%.0f%n", chunks * (double) chunk.length / 1048576 / seconds);
  }

  private static void hash(byte[] chunk, int chunks) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < chunks; i++) {
      digest.update(chunk);
    }
    digest.digest();
  }
}
