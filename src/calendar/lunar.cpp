// Vietnamese lunisolar calendar.
//
// Our own implementation of the astronomical method published by Hồ Ngọc Đức ("Âm lịch Việt Nam",
// https://www.informatik.uni-leipzig.de/~duc/amlich/), which uses the truncated new-moon and
// solar-longitude series from Jean Meeus, "Astronomical Algorithms" (1998). No packaged library
// for it exists in Debian. The rules it implements:
//   1. A lunar month starts on the local day (in the given time zone) of a new moon.
//   2. Month 11 is the month that contains the winter solstice.
//   3. If there are 13 new moons between two consecutive months 11, the year has a leap month:
//      the first month after month 11 that contains no major solar term (trung khí, a multiple of
//      30° of solar longitude) is the leap month and repeats the number of the month before it.
// Using UTC+7 instead of UTC+8 is what makes the Vietnamese calendar differ from the Chinese one
// in some years (Tết 1985, 2007, 2030).

#include "calendar/lunar.hpp"

#include <cmath>
#include <numbers>

namespace vp::calendar {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// Julian Day Number of 1970-01-01, to convert to and from std::chrono day counts.
constexpr long kJdnUnixEpoch = 2440588;
// Julian Date of the mean new moon of 1900-01-01 and the mean synodic month, in days.
constexpr double kNewMoon1900 = 2415021.076998695;
constexpr double kSynodicMonth = 29.530588853;
constexpr double kRad = std::numbers::pi / 180.0;

long ToJdn(year_month_day date) { return sys_days{date}.time_since_epoch().count() + kJdnUnixEpoch; }

year_month_day FromJdn(long jdn) { return year_month_day{sys_days{days{jdn - kJdnUnixEpoch}}}; }

long FloorToLong(double x) { return static_cast<long>(std::floor(x)); }

// Julian Date (UT) of the k-th new moon after the one of 1900-01-01 (Meeus ch. 49, truncated).
double NewMoon(long k) {
    const double t = static_cast<double>(k) / 1236.85;  // Julian centuries since 1900-01-01.
    const double t2 = t * t;
    const double t3 = t2 * t;
    double jd1 = 2415020.75933 + 29.53058868 * static_cast<double>(k) + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * std::sin((166.56 + 132.87 * t - 0.009173 * t2) * kRad);
    const double m = 359.2242 + 29.10535608 * static_cast<double>(k) - 0.0000333 * t2 - 0.00000347 * t3;
    const double mpr = 306.0253 + 385.81691806 * static_cast<double>(k) + 0.0107306 * t2 + 0.00001236 * t3;
    const double f = 21.2964 + 390.67050646 * static_cast<double>(k) - 0.0016528 * t2 - 0.00000239 * t3;
    double c1 = (0.1734 - 0.000393 * t) * std::sin(m * kRad) + 0.0021 * std::sin(2 * kRad * m);
    c1 = c1 - 0.4068 * std::sin(mpr * kRad) + 0.0161 * std::sin(kRad * 2 * mpr);
    c1 = c1 - 0.0004 * std::sin(kRad * 3 * mpr);
    c1 = c1 + 0.0104 * std::sin(kRad * 2 * f) - 0.0051 * std::sin(kRad * (m + mpr));
    c1 = c1 - 0.0074 * std::sin(kRad * (m - mpr)) + 0.0004 * std::sin(kRad * (2 * f + m));
    c1 = c1 - 0.0004 * std::sin(kRad * (2 * f - m)) - 0.0006 * std::sin(kRad * (2 * f + mpr));
    c1 = c1 + 0.0010 * std::sin(kRad * (2 * f - mpr)) + 0.0005 * std::sin(kRad * (2 * mpr + m));
    // ΔT (TT − UT) in days: the series gives dynamical time, the calendar needs civil time.
    const double delta_t = t < -11 ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
                                   : -0.000278 + 0.000265 * t + 0.000262 * t2;
    return jd1 + c1 - delta_t;
}

// Apparent solar longitude in radians, normalised to [0, 2π), at Julian Date `jd` (Meeus ch. 25,
// low precision).
double SunLongitude(double jd) {
    const double t = (jd - 2451545.0) / 36525;  // Julian centuries since J2000.0.
    const double t2 = t * t;
    const double m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    const double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    double dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * std::sin(kRad * m);
    dl += (0.019993 - 0.000101 * t) * std::sin(kRad * 2 * m) + 0.000290 * std::sin(kRad * 3 * m);
    double l = (l0 + dl) * kRad;
    l -= 2 * std::numbers::pi * std::floor(l / (2 * std::numbers::pi));
    return l;
}

// Local day (JDN) on which the k-th new moon falls.
long NewMoonDay(long k, double tz_hours) { return FloorToLong(NewMoon(k) + 0.5 + tz_hours / 24); }

// Which 30° sector (0..11) the sun is in at the start of local day `jdn`; sector 9 starts at the
// winter solstice (270°).
long SunSector(long jdn, double tz_hours) {
    return FloorToLong(SunLongitude(static_cast<double>(jdn) - 0.5 - tz_hours / 24) / std::numbers::pi * 6);
}

// JDN of the first day of lunar month 11 (the month containing the winter solstice) that starts
// in Gregorian `year`.
long LunarMonth11(int year, double tz_hours) {
    const long off = ToJdn(std::chrono::year{year} / 12 / 31) - 2415021;
    const long k = FloorToLong(static_cast<double>(off) / kSynodicMonth);
    const long nm = NewMoonDay(k, tz_hours);
    // If that new moon is already past the solstice, month 11 started one lunation earlier.
    if (SunSector(nm, tz_hours) >= 9) {
        return NewMoonDay(k - 1, tz_hours);
    }
    return nm;
}

// In a 13-month year starting at month 11 `a11`: the offset (1..13) of the first month that
// contains no major solar term, i.e. whose start and the next month's start are in the same sector.
long LeapMonthOffset(long a11, double tz_hours) {
    const long k = FloorToLong((static_cast<double>(a11) - kNewMoon1900) / kSynodicMonth + 0.5);
    long i = 1;
    long arc = SunSector(NewMoonDay(k + i, tz_hours), tz_hours);
    long last = 0;
    do {
        last = arc;
        ++i;
        arc = SunSector(NewMoonDay(k + i, tz_hours), tz_hours);
    } while (arc != last && i < 14);
    return i - 1;
}

}  // namespace

LunarDate SolarToLunar(year_month_day date, double tz_hours) {
    const long day_number = ToJdn(date);
    const int solar_year = static_cast<int>(date.year());
    // The month starts on the last new-moon day not after `day_number`. k estimates it from the
    // mean lunation, but the true new moon can be most of a day away from the mean one: stepping
    // back only once, as the published JavaScript does, gave day 0 for 2054-07-05 in our round-trip
    // test. Step back until the new-moon day is not after the date.
    long k = FloorToLong((static_cast<double>(day_number) - kNewMoon1900) / kSynodicMonth) + 1;
    long month_start = NewMoonDay(k, tz_hours);
    while (month_start > day_number) {
        --k;
        month_start = NewMoonDay(k, tz_hours);
    }
    long a11 = LunarMonth11(solar_year, tz_hours);
    long b11 = a11;
    LunarDate result;
    if (a11 >= month_start) {
        result.year = solar_year;
        a11 = LunarMonth11(solar_year - 1, tz_hours);
    } else {
        result.year = solar_year + 1;
        b11 = LunarMonth11(solar_year + 1, tz_hours);
    }
    result.day = static_cast<int>(day_number - month_start + 1);
    const long diff = (month_start - a11) / 29;  // Months since month 11; never negative here.
    result.month = static_cast<int>(diff + 11);
    if (b11 - a11 > 365) {
        const long leap_diff = LeapMonthOffset(a11, tz_hours);
        if (diff >= leap_diff) {
            result.month = static_cast<int>(diff + 10);
            result.leap = diff == leap_diff;
        }
    }
    if (result.month > 12) {
        result.month -= 12;
    }
    // Months 11 and 12 (and a leap 11/12) at the start of the cycle belong to the previous year.
    if (result.month >= 11 && diff < 4) {
        result.year -= 1;
    }
    return result;
}

std::optional<year_month_day> LunarToSolar(LunarDate date, double tz_hours) {
    if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 30) {
        return std::nullopt;
    }
    long a11 = 0;
    long b11 = 0;
    if (date.month < 11) {
        a11 = LunarMonth11(date.year - 1, tz_hours);
        b11 = LunarMonth11(date.year, tz_hours);
    } else {
        a11 = LunarMonth11(date.year, tz_hours);
        b11 = LunarMonth11(date.year + 1, tz_hours);
    }
    const long k = FloorToLong(0.5 + (static_cast<double>(a11) - kNewMoon1900) / kSynodicMonth);
    long off = date.month - 11;
    if (off < 0) {
        off += 12;
    }
    if (b11 - a11 > 365) {
        const long leap_off = LeapMonthOffset(a11, tz_hours);
        long leap_month = leap_off - 2;
        if (leap_month < 0) {
            leap_month += 12;
        }
        if (date.leap && date.month != leap_month) {
            return std::nullopt;
        }
        if (date.leap || off >= leap_off) {
            off += 1;
        }
    } else if (date.leap) {
        return std::nullopt;
    }
    const long month_start = NewMoonDay(k + off, tz_hours);
    const long next_month_start = NewMoonDay(k + off + 1, tz_hours);
    if (date.day > next_month_start - month_start) {
        return std::nullopt;
    }
    return FromJdn(month_start + date.day - 1);
}

}  // namespace vp::calendar
