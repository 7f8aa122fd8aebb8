package org.packagerepository.http;

import org.packagerepository.config.ConfigException;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies in front of the server whose {@code X-Forwarded-For} is believed: addresses and CIDR blocks, IPv4 or
 * IPv6, given as literals (never looked up in DNS).
 */
public final class TrustedProxies {

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = blocks;
  }

  /** @throws ConfigException naming an entry that is not an address literal or a CIDR block */
  public static TrustedProxies parse(List<String> entries) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : entries) {
      int slash = entry.indexOf('/');
      byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
      int bits = address == null ? -1 : address.length * 8;
      if (address != null && slash >= 0) {
        try {
          bits = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
      }
      if (address == null || bits < 0 || bits > address.length * 8) {
        throw new ConfigException("config.trusted_proxies has \"" + entry + "\"; use IP addresses or CIDR blocks, "
          + "e.g. 10.0.0.5 or 10.1.0.0/16");
      }
      blocks.add(new Block(address, bits));
    }
    return new TrustedProxies(List.copyOf(blocks));
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** Whether {@code address} (a literal, as a socket reports it) is one of the trusted proxies. */
  public boolean trusts(String address) {
    byte[] bytes = address == null ? null : literal(address);
    if (bytes == null) {
      return false;
    }
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client of a request that came from {@code peer} with {@code forwardedFor}: the peer itself, unless it is a
   * trusted proxy; then the nearest address in the header that is not one (each proxy appends the address it was
   * reached from, so addresses further left were written by whoever the client was and prove nothing).
   */
  public String client(String peer, String forwardedFor) {
    if (forwardedFor == null || !trusts(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    String client = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty()) {
        continue;
      }
      client = hop;
      if (!trusts(hop)) {
        break;
      }
    }
    return client;
  }

  /** The address's bytes when it is an IP literal, else null: no name is ever resolved (Netty's parser). */
  private static byte[] literal(String text) {
    String s = text.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    return NetUtil.createByteArrayFromIpAddressString(s);
  }

  private record Block(byte[] address, int bits) {
    boolean contains(byte[] other) {
      if (other.length != address.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((address[i / 8] & mask) != (other[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
