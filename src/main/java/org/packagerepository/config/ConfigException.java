package org.packagerepository.config;

/** A configuration the server cannot start with; the message is shown to the operator as it is. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
