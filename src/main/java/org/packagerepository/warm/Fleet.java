package org.packagerepository.warm;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.List;

/**
 * The members a warm reaches: this server alone, or every member of its cluster. Messages between members carry
 * proof that they come from one ({@link #signed}, {@link #verified}). Implementations must be thread-safe.
 */
public interface Fleet {

  /** One server: nobody else to warm. */
  Fleet ALONE = new Fleet() {
    @Override
    public String self() {
      return "local";
    }

    @Override
    public String name() {
      return "this server";
    }

    @Override
    public List<String> members() {
      return List.of(self());
    }

    @Override
    public DeliveryOptions signed(String body) {
      return new DeliveryOptions();
    }

    @Override
    public boolean verified(String body, MultiMap headers) {
      return true;
    }
  };

  /** This member's id, unique in the fleet. */
  String self();

  /** How this member is shown to people: its public URL in a cluster. */
  String name();

  /** The ids of the members now, this one's among them. */
  List<String> members();

  /** Delivery options that prove to the other members that {@code body} comes from one of them. */
  DeliveryOptions signed(String body);

  /** Whether a message with {@code body} and {@code headers} came from a member. */
  boolean verified(String body, MultiMap headers);
}
