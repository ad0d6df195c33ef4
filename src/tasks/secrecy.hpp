#pragma once
// What a secret assignment document may carry and how its result reads (T-5; 08-QC/TW Art. 5.2,
// 5.3). Pure; tests: secrecy_test.cpp.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace vp::tasks {

/// The levels kept in the secret partition: `mat`, `toi_mat`. `tuyet_mat` never reaches the
/// system (Art. 5.3); `thuong` is the ordinary record (Art. 5.1).
bool IsPartitionLevel(std::string_view secrecy);

/// The request fields a secret document may carry (Art. 5.2 a–i): kind, title, number, symbol,
/// issued_on, signer, submitting_unit, issuing_unit, lead_units, monitoring_unit, task_count,
/// deadline, notes, and secrecy itself.
std::span<const std::string_view> Article52Fields();
/// The first field of `fields` outside Article52Fields (a summary, task content, files, detailed
/// results …), or nullopt when every one is allowed.
std::optional<std::string> FieldOutsideArticle52(std::span<const std::string> fields);

/// The result of a secret document's tasks, the only form Art. 5.2.g allows: done or not done,
/// within or past the deadline (an open-ended document is never past it).
enum class SecretResult { kDoneWithinDeadline, kDonePastDeadline, kNotDoneWithinDeadline, kNotDonePastDeadline };
/// done_within_deadline, done_past_deadline, not_done_within_deadline, not_done_past_deadline.
std::string_view SecretResultCode(SecretResult r);
SecretResult ComputeSecretResult(std::optional<core::TimePoint> done_at, std::optional<core::TimePoint> deadline,
                                 core::TimePoint now);

/// Whether clearances held for `mat` and for `toi_mat` admit a document of `secrecy`: Tối mật
/// admits Mật as well; nothing admits another level.
bool Admits(std::string_view secrecy, bool cleared_mat, bool cleared_toi_mat);

}  // namespace vp::tasks
