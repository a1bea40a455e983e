package org.flipstorm.campaign;

/** What a failure says, in one line, for the command's single-line errors. */
final class Failures {
    private Failures() {}

    /** The first line of the innermost message of {@code e}'s cause chain. */
    static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** True when {@code e} (or a cause, or a Spark task failure's text) says the output ran out of space. */
    static boolean outOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No space left on device") || m.contains("Disk quota exceeded")
                    || m.contains("DSQuotaExceededException") || m.contains("NSQuotaExceededException")) {
                return true;
            }
        }
        return false;
    }
}
