package org.packagerepository.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.packagerepository.packages.PackageFile;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event loop's memory of valid names answers as {@link PackageFile#isValid} does, however often it is asked. */
class ValidNamesProperties {

  /** Valid names, names one character away from valid, and junk. */
  @Provide
  Arbitrary<List<String>> requests() {
    Arbitrary<String> valid = Arbitraries.strings().withChars("abc-").ofMinLength(1).ofMaxLength(6)
      .filter(s -> s.charAt(0) != '-').map(s -> s + "-1.0." + s.length() + ".tar.gz");
    Arbitrary<String> name = Arbitraries.oneOf(valid, valid.map(s -> s.replace(".tar.gz", ".tar")),
      valid.map(s -> "." + s), valid.map(s -> "../" + s), Arbitraries.strings().ofMaxLength(20));
    return name.list().ofMaxSize(ValidNames.CAPACITY * 3);
  }

  @Property(tries = 50)
  void answersAsTheParserDoesAndKeepsNoInvalidName(@ForAll("requests") List<String> names) {
    ValidNames memory = new ValidNames();
    for (String name : names) {
      assertEquals(PackageFile.isValid(name), memory.isValid(name), name);
      // Asked again at once (from memory when valid).
      assertEquals(PackageFile.isValid(name), memory.isValid(name), name);
    }
    assertFalse(memory.isValid(null));
    assertTrue(memory.isValid("app-1.0.0.tar.gz"));
  }
}
