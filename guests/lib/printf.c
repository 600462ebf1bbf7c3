/*
 * printf.c - formatting without a C library.
 *
 * Each conversion is turned into a string of characters (digits, or the %s argument)
 * and then written with padding by emit_field(), so padding is handled in one place.
 */
#include "printf.h"

#include <stdbool.h>
#include <stdint.h>

#include "serial.h"
#include "string.h"

/* One parsed %-conversion. */
struct spec {
    bool left;      /* '-' flag */
    bool zero;      /* '0' flag */
    int width;      /* minimum field width */
    int longs;      /* number of 'l' modifiers */
    char conv;      /* the conversion character */
};

static int emit_repeat(char c, int n)
{
    for (int i = 0; i < n; i++)
        serial_putc(c);
    return n > 0 ? n : 0;
}

static int emit_string(const char *s, int len)
{
    for (int i = 0; i < len; i++)
        serial_putc(s[i]);
    return len;
}

/* Writes sign (may be empty) and body padded to the field width. Zeros go after the sign. */
static int emit_field(const struct spec *sp, const char *sign, const char *body, int len)
{
    int sign_len = (int)strlen(sign);
    int pad = sp->width - sign_len - len;
    int n = 0;

    if (!sp->left && !sp->zero)
        n += emit_repeat(' ', pad);
    n += emit_string(sign, sign_len);
    if (!sp->left && sp->zero)
        n += emit_repeat('0', pad);
    n += emit_string(body, len);
    if (sp->left)
        n += emit_repeat(' ', pad);
    return n;
}

/* Digits of value in base, most significant first, into buf; returns their count. */
static int format_digits(uint64_t value, unsigned base, bool upper, char buf[static 24])
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = digits[value % base]; /* 64-bit division: libgcc's __umoddi3 */
        value /= base;
    } while (value);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* Fetches an integer argument of the size the length modifiers say. */
static uint64_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
    if (sp->longs >= 2)
        return va_arg(*ap, unsigned long long);
    return sp->longs == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
}

static int64_t fetch_signed(const struct spec *sp, va_list *ap)
{
    if (sp->longs >= 2)
        return va_arg(*ap, long long);
    return sp->longs == 1 ? va_arg(*ap, long) : va_arg(*ap, int);
}

static int emit_number(const struct spec *sp, va_list *ap)
{
    char buf[24];
    const char *sign = "";
    uint64_t magnitude;
    unsigned base = 10;

    if (sp->conv == 'd' || sp->conv == 'i') {
        int64_t v = fetch_signed(sp, ap);
        sign = v < 0 ? "-" : "";
        magnitude = v < 0 ? -(uint64_t)v : (uint64_t)v;
    } else if (sp->conv == 'p') {
        sign = "0x";
        magnitude = (uintptr_t)va_arg(*ap, void *);
        base = 16;
    } else {
        magnitude = fetch_unsigned(sp, ap);
        base = sp->conv == 'u' ? 10 : 16;
    }
    return emit_field(sp, sign, buf, format_digits(magnitude, base, sp->conv == 'X', buf));
}

static int emit_conversion(const struct spec *sp, va_list *ap)
{
    char c;
    const char *s;

    switch (sp->conv) {
    case 'c':
        c = (char)va_arg(*ap, int);
        return emit_field(sp, "", &c, 1);
    case 's':
        s = va_arg(*ap, const char *);
        s = s ? s : "(null)";
        return emit_field(sp, "", s, (int)strlen(s));
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'p':
        return emit_number(sp, ap);
    default: /* "%%", or a conversion we don't know: print it as it stands */
        return emit_string("%", 1) + emit_string(&sp->conv, sp->conv && sp->conv != '%');
    }
}

/* Parses flags, width and length modifiers after a '%'; returns where the conversion ends. */
static const char *parse_spec(const char *p, struct spec *sp)
{
    *sp = (struct spec){0};
    for (;; p++) {
        if (*p == '-')
            sp->left = true;
        else if (*p == '0')
            sp->zero = true;
        else
            break;
    }
    while (*p >= '0' && *p <= '9')
        sp->width = sp->width * 10 + (*p++ - '0');
    while (*p == 'l') {
        sp->longs++;
        p++;
    }
    sp->conv = *p;
    return *p ? p + 1 : p;
}

int vprintf(const char *fmt, va_list ap)
{
    va_list args;
    int n = 0;

    /* va_copy: lets the helpers take a pointer to the list portably. */
    va_copy(args, ap);
    while (*fmt) {
        struct spec sp;

        if (*fmt != '%') {
            serial_putc(*fmt++);
            n++;
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp);
        n += emit_conversion(&sp, &args);
    }
    va_end(args);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
