package org.packagerepository.http;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PreconditionsTest {

  @Test
  void httpDatesHaveATwoDigitDayAsRfc9110Requires() {
    long fifthOfMarch = Instant.parse("2026-03-05T07:08:09Z").toEpochMilli();
    assertEquals("Thu, 05 Mar 2026 07:08:09 GMT", Preconditions.httpDate(fifthOfMarch));
    assertEquals(fifthOfMarch / 1000, Preconditions.parseDate("Thu, 05 Mar 2026 07:08:09 GMT"));
  }
}
