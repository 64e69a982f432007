//! Wall-clock times as terrane writes them: RFC 3339 in UTC, to the second (`plantimestamp()`,
//! saved plans) or to the microsecond (the `-json` messages, as Terraform's).

use std::time::{SystemTime, UNIX_EPOCH};

fn since_epoch() -> std::time::Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SS` of a count of seconds since the Unix epoch.
fn date_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Now, to the second: `2026-11-29T04:19:13Z`.
pub fn rfc3339_now() -> String {
    format!("{}Z", date_time(since_epoch().as_secs() as i64))
}

/// Now, to the microsecond: `2026-11-29T04:19:13.556495Z`.
pub fn rfc3339_micros_now() -> String {
    let now = since_epoch();
    format!(
        "{}.{:06}Z",
        date_time(now.as_secs() as i64),
        now.subsec_micros()
    )
}

/// The civil date (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_known_instants() {
        assert_eq!(date_time(0), "1970-01-01T00:00:00");
        assert_eq!(date_time(951_782_400), "2000-02-29T00:00:00");
        assert_eq!(date_time(1_798_502_399), "2026-12-28T23:59:59");
        assert!(rfc3339_micros_now().ends_with('Z'));
        assert_eq!(
            rfc3339_micros_now().len(),
            "2026-11-29T04:19:13.556495Z".len()
        );
    }
}
