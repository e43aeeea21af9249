/* SPDX-License-Identifier: MIT */
/*
 * version.h - version-scheme comparison for known-issue matching.
 *
 * Rule files name a fixed-in or affected version together with a scheme
 * ("esxi", "nsx", "linux", ...).  This module answers "is the installed
 * version before, at or after that version?" for each scheme.  Version
 * numbers of these products are not one global order: ESXi build numbers
 * are a counter shared by all release lines, NSX 4.2.3.3 shipped after
 * NSX 9.0.2, and a Debian ABI string says nothing about the upstream kernel
 * it was built from.  So besides LESS/EQUAL/GREATER the comparison can
 * answer INCOMPARABLE (different release lines or forms: the caller has to
 * look at per-line fix data instead) and INVALID (an input does not parse).
 *
 * All functions read untrusted strings: inputs longer than
 * CT_VERSION_INPUT_LIMIT bytes are rejected, numbers of any length are
 * compared as digit strings (no overflow), and nothing is allocated.  The
 * functions keep no state and are safe to call from several threads.
 * Leading and trailing blanks (space, tab, CR, LF) are ignored.
 *
 * See section 6 of FORMATS-AND-FACTS.md for the facts behind the rules.
 */
#ifndef CT_RULES_VERSION_H
#define CT_RULES_VERSION_H

#include <stdbool.h>
#include <stddef.h>

/* Longest accepted input string, in bytes, before trimming. */
#define CT_VERSION_INPUT_LIMIT 1024

/* How to read and order version strings. */
enum ct_version_scheme {
	/* Numeric components "4.2.3", missing ones count as 0; a component
	 * may carry trailing letters ("1.0.2a" > "1.0.2").  No release line. */
	CT_VERSION_DOTTED,
	/* Driver/VIB versions: dotted numeric prefix, then any suffix
	 * ("6.8.12-10-pve", "12.8.351.30-1OEM.700...") compared segment by
	 * segment (numbers numerically).  No release line. */
	CT_VERSION_DRIVER,
	/* ESXi/ESX: "8.0 U3e", "8.0.3-0.70.24674464", "8.0b", "24674464",
	 * "ESXi600-201608001", "9.0.1.0101.12345678".  Line "major.minor". */
	CT_VERSION_ESXI,
	/* NSX: 2-5 numeric components plus optional build; line "major.minor". */
	CT_VERSION_NSX,
	/* Linux kernels: upstream "6.1.76" or distro release strings
	 * "6.1.0-18-amd64"; line "major.minor". */
	CT_VERSION_LINUX,
	/* Debian package versions, Debian policy 5.6.12.  No release line. */
	CT_VERSION_DPKG,
	/* RPM [epoch:]version[-release], rpmvercmp rules; line = elN[_M] tag. */
	CT_VERSION_RPM,
	CT_VERSION_SCHEME_MAX,
};

/* Result of a comparison.  LESS/EQUAL/GREATER negate when the arguments
 * are swapped; INCOMPARABLE and INVALID do not change. */
enum ct_version_order {
	CT_VERSION_LESS = -1,
	CT_VERSION_EQUAL = 0,
	CT_VERSION_GREATER = 1,
	/* Both parse, but they sit on different release lines or are of
	 * forms that have no common order (e.g. Debian ABI vs upstream). */
	CT_VERSION_INCOMPARABLE = 2,
	/* At least one input does not parse under the scheme. */
	CT_VERSION_INVALID = 3,
};

/*
 * ct_version_scheme_from_name - parse a scheme name as used in rule files.
 * @name: "dotted", "driver", "esxi", "nsx", "linux", "dpkg" or "rpm"
 *        (exact, lowercase); "esx" is accepted as an alias of "esxi"
 *        because rule files use both product names.  May be NULL.
 * @ret:  receives the scheme; untouched on failure.
 *
 * Return: true on success, false if @name is NULL or unknown.
 */
bool ct_version_scheme_from_name(const char *name, enum ct_version_scheme *ret);

/*
 * ct_version_scheme_name - the rule-file name of a scheme.
 * @s: a scheme.
 *
 * Return: a static string ("esxi", ...) valid for the life of the
 * program, or NULL if @s is not a valid scheme.
 */
const char *ct_version_scheme_name(enum ct_version_scheme s);

/*
 * ct_version_compare - order two version strings under a scheme.
 * @s: the scheme.
 * @a: first version string (NUL-terminated, may be NULL).
 * @b: second version string (NUL-terminated, may be NULL).
 *
 * Return: CT_VERSION_LESS/EQUAL/GREATER for a relative to b;
 * CT_VERSION_INCOMPARABLE when both parse but sit on different release
 * lines (ESXi/NSX/Linux major.minor, RPM elN_M stream) or have no common
 * order (Linux distro string vs upstream, ESXi patch name vs update name,
 * an ESXi build not in the alias table vs a name not in it that cannot be
 * bracketed); CT_VERSION_INVALID if @s is not a scheme or either string is
 * NULL, too long or does not parse.
 */
enum ct_version_order ct_version_compare(enum ct_version_scheme s,
					 const char *a, const char *b);

/*
 * ct_version_line - the release line a version belongs to.
 * @s:   the scheme.
 * @v:   the version string.
 * @ret: buffer receiving a NUL-terminated line name: "8.0" (esxi),
 *       "4.2" (nsx), "6.1" (linux; "2.6.32" for 2.x kernels), "el9_4"
 *       (rpm, "" when no elN tag), "" for schemes without lines (dotted,
 *       driver, dpkg: any two versions are comparable).  Untouched on
 *       failure.
 * @n:   size of @ret in bytes.
 *
 * Two versions that parse compare INCOMPARABLE whenever their lines
 * differ (for rpm: whenever both lines are non-empty and differ); equal
 * lines are necessary but not always sufficient (see ct_version_compare).
 *
 * Return: true on success; false if @v does not parse, @ret is NULL or
 * @n is too small.
 */
bool ct_version_line(enum ct_version_scheme s, const char *v, char *ret,
		     size_t n);

/*
 * ct_esxi_normalize - canonical display form of an ESXi version.
 * @v:   an ESXi version in any form accepted by CT_VERSION_ESXI.
 * @ret: buffer receiving the canonical form; untouched on failure:
 *         7.x/8.x and older: "M.m.u[letter][ build-N]", e.g.
 *           "8.0 U3e" -> "8.0.3e build-24674464", "8.0b" ->
 *           "8.0.0b build-21203435", "8.0.3-0.99.30000000" ->
 *           "8.0.3 build-30000000" (letter unknown); the build and letter
 *           come from the alias table when the input lacks them;
 *         9.x: "M.m.maint.EEHH[.build]", e.g. "9.0.1.0101.12345678";
 *         patch names: "ESXi600-201608001".
 *       The result parses again and compares EQUAL to @v.
 * @n:   size of @ret in bytes.
 *
 * Return: true on success; false if @v does not parse, @ret is NULL or
 * @n is too small.
 */
bool ct_esxi_normalize(const char *v, char *ret, size_t n);

/*
 * ct_linux_upstream_from_uname - upstream kernel version behind a uname.
 * @release:       `uname -r`, e.g. "6.1.0-18-amd64"; may be NULL.
 * @version_token: `uname -v`, e.g. "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1
 *                 (2024-02-01)"; may be NULL.
 * @ret:           buffer receiving the upstream version ("6.1.76"), usable
 *                 with CT_VERSION_LINUX; untouched on failure.
 * @n:             size of @ret in bytes.
 *
 * Debian puts the package version in `uname -v` ("Debian 6.1.76-1"); its
 * upstream part (no epoch, no revision, "~rc" written "-rc") is the
 * answer, provided it is on the same line as @release when @release
 * parses.  Without a Debian token, a plain upstream @release ("6.1.76")
 * is returned as is.  Ubuntu ("#101-Ubuntu", "5.15.0-91-generic") and
 * RHEL release strings carry only an ABI/NVR and give false.
 *
 * Return: true on success, false when the upstream version is not
 * derivable, the inputs disagree, or @n is too small.
 */
bool ct_linux_upstream_from_uname(const char *release,
				  const char *version_token, char *ret,
				  size_t n);

#endif /* CT_RULES_VERSION_H */
