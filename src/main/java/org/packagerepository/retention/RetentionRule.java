package org.packagerepository.retention;

import org.packagerepository.packages.PackageFile;
import org.packagerepository.packages.PackageListing;
import org.packagerepository.storage.PackageInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which versions retention deletes, per package name, in the listing's order (newest first, as {@code GET /packages}
 * orders them): the first {@code keep_last} are kept; each other one is kept when it is younger than
 * {@code keep_days}, was downloaded within {@code keep_downloaded_days}, or is being downloaded now; the rest go.
 * Objects whose names are not package file names are never considered. A pure function of its inputs: the caller
 * says what "now" is.
 */
public final class RetentionRule {

  /** Why a version is kept. */
  public enum Kept {
    /** Among the newest {@code keep_last} of its package. */
    KEEP_LAST,
    /** Younger than {@code keep_days}. */
    KEEP_DAYS,
    /** Downloaded within {@code keep_downloaded_days}. */
    DOWNLOADED,
    /** Being downloaded now. */
    DOWNLOADING
  }

  /**
   * What becomes of one version.
   *
   * @param kept         why it is kept; null when it is to be deleted
   * @param reason       why it is deleted, in words (null when kept)
   * @param lastDownload when it was last downloaded, epoch ms; null when never, as far as is known
   */
  public record Decision(PackageInfo info, PackageFile file, Kept kept, String reason, Long lastDownload) {

    public boolean deleted() {
      return kept == null;
    }
  }

  private final RetentionSettings settings;

  public RetentionRule(RetentionSettings settings) {
    this.settings = settings;
  }

  /**
   * Decides for every version among {@code objects}, in listing order.
   *
   * @param lastDownload when a file was last downloaded (epoch ms), or null
   * @param downloading  whether a file is being downloaded now
   * @param now          epoch ms
   */
  public List<Decision> decide(List<PackageInfo> objects, Function<String, Long> lastDownload,
                               Predicate<String> downloading, long now) {
    Map<String, PackageInfo> byFile = new HashMap<>(objects.size() * 2);
    List<PackageListing.Stored> versions = new ArrayList<>(objects.size());
    for (PackageInfo info : objects) {
      PackageFile.parse(info.file()).ifPresent(file -> {
        if (byFile.putIfAbsent(info.file(), info) == null) {
          versions.add(new PackageListing.Stored(file, info.size(), info.sha256(), info.modified()));
        }
      });
    }
    int keepLast = Math.max(1, settings.keepLast());
    long keepMillis = settings.keepMillis();
    long keepDownloadedMillis = settings.keepDownloadedMillis();
    List<Decision> decisions = new ArrayList<>(versions.size());
    String name = null;
    int position = 0;
    for (PackageListing.Stored version : PackageListing.sorted(versions)) {
      PackageFile file = version.file();
      if (!file.name().equals(name)) {
        name = file.name();
        position = 0;
      }
      position++;
      PackageInfo info = byFile.get(file.fileName());
      Long downloaded = lastDownload.apply(file.fileName());
      Kept kept;
      if (position <= keepLast) {
        kept = Kept.KEEP_LAST;
      } else if (keepMillis >= 0 && now - info.modified() < keepMillis) {
        kept = Kept.KEEP_DAYS;
      } else if (keepDownloadedMillis >= 0 && downloaded != null && now - downloaded < keepDownloadedMillis) {
        kept = Kept.DOWNLOADED;
      } else if (downloading.test(file.fileName())) {
        kept = Kept.DOWNLOADING;
      } else {
        kept = null;
      }
      decisions.add(new Decision(info, file, kept, kept == null ? whyDeleted() : null, downloaded));
    }
    return decisions;
  }

  /** E.g. "beyond keep_last=3, older than keep_days=30, not downloaded within 14 days": the rules that let it go. */
  private String whyDeleted() {
    StringBuilder why = new StringBuilder("beyond keep_last=").append(settings.keepLast());
    if (settings.keepDays() != null) {
      why.append(", older than keep_days=").append(RetentionSettings.days(settings.keepDays()));
    }
    if (settings.keepDownloadedDays() != null) {
      why.append(", not downloaded within ").append(RetentionSettings.days(settings.keepDownloadedDays()))
        .append(" days");
    }
    return why.toString();
  }
}
