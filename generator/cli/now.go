package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// buildNow is the build's "now" from SOURCE_DATE_EPOCH, the
// reproducible-builds convention (seconds since 1970, UTC), so that what
// depends on the time of the build (articles held back as future, the
// news sitemap's two days) is the same on every run; zero when it is
// unset, which means the clock.
func buildNow() (time.Time, error) {
	raw, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok || strings.TrimSpace(raw) == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970: set it to one, such as $(git log -1 --format=%%ct), or unset it to use the clock", raw)
	}
	return time.Unix(n, 0).UTC(), nil
}
