// Package browsertest gives Go tests a real headless Chromium, driven with
// github.com/chromedp/chromedp, so that web pages are tested the way a
// person uses them: log in, fill a form, click, download a file.
//
// One browser process serves the whole test binary. It starts on the first
// call of [New] and stops in [Main], which the package's TestMain calls:
//
//	func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }
//
// Each test gets a [Tab] of its own: a new target in a new browser context
// (incognito-like, so cookies, storage and cache never pass from one test to
// another), with a 30-second deadline, closed when the test ends. A tab
// records the page's console errors and uncaught exceptions ([Tab.Errors]),
// saves its downloads into a directory of the test ([Tab.Downloads]), and
// takes a screenshot when its test has failed, whose path it logs. Tests
// that call t.Parallel each get their own tab in the same browser.
//
// Chromium is $ORGSYNC_CHROMIUM, /usr/bin/chromium, or chromium,
// chromium-browser or google-chrome on PATH. In CI (CI or ORGSYNC_CI true)
// the package installs Debian's chromium with apt-get where it is missing;
// anywhere else a missing browser fails the test with the command that
// installs it. Browser tests never skip: a test that did not talk to a real
// browser has not tested the page.
//
// TLS: the browser trusts the certificate of net/http/httptest's TLS servers,
// and any certificate given to [Trust] before it starts, by the SPKI hash of
// its public key (--ignore-certificate-errors-spki-list), and nothing else:
// the package never turns certificate checking off as a whole.
//
// A killed test binary leaves no browser running: Chromium gets SIGKILL when
// the binary dies (Pdeathsig), its children exit with it, and the next start
// removes the user data directories of binaries that are gone.
//
// What this package must not do: it is test support only; nothing outside
// tests imports it. It never uses the machine's own Chromium profile, never
// starts a browser that reaches outside the machine on its own (background
// networking is off), and never leaves a process or a profile directory of
// a finished test binary behind.
package browsertest
