/* SPDX-License-Identifier: MIT */
/*
 * banned.h - functions that invite overflows; use snprintf, memcpy with a
 * checked length, or the ct_strbuf helpers instead.
 */
#ifndef CT_BANNED_H
#define CT_BANNED_H

#define CT_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) CT_BANNED(strcpy)
#undef strcat
#define strcat(x, y) CT_BANNED(strcat)
#undef sprintf
#define sprintf(...) CT_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) CT_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) CT_BANNED(strtok)
#undef gets
#define gets(x) CT_BANNED(gets)

#endif /* CT_BANNED_H */
