#pragma once
// The section template of a new portal: the mandatory sections of P-27 (plan III.3; Hậu Giang
// Art. 8) for every portal, and for a province or city also those of P-28 (Hậu Giang Art. 8, 12).

#include <string_view>
#include <vector>

namespace vp::portal {

struct SectionTemplate {
    std::string_view code, name_vi, name_en;
    bool mandatory;
};

/// The sections a new portal of `kind` (main, agency, ministry, province, city) starts with.
std::vector<SectionTemplate> TemplateSections(std::string_view kind);

}  // namespace vp::portal
