#include "timelinestyle.h"

namespace Loopscope {

namespace {

// Okabe-Ito: colours that colour-blind readers can tell apart.
constexpr QRgb OiOrange = 0xE69F00;
constexpr QRgb OiSkyBlue = 0x56B4E9;
constexpr QRgb OiGreen = 0x009E73;
constexpr QRgb OiYellow = 0xF0E442;
constexpr QRgb OiBlue = 0x0072B2;
constexpr QRgb OiVermillion = 0xD55E00;
constexpr QRgb OiPurple = 0xCC79A7;

QFont pixelFont(int pixels, bool bold = false)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setStyleHint(QFont::SansSerif);
    f.setPixelSize(pixels);
    f.setBold(bold);
    return f;
}

void setCommon(TimelineStyle &s)
{
    s.font = pixelFont(13);
    s.smallFont = pixelFont(11);
    s.titleFont = pixelFont(16, true);
    s.stateHatch[int(UnitState::Pending)] = TimelineStyle::Hatch::None;
    s.stateHatch[int(UnitState::Running)] = TimelineStyle::Hatch::None;
    s.stateHatch[int(UnitState::Waiting)] = TimelineStyle::Hatch::None;
    s.stateHatch[int(UnitState::Queued)] = TimelineStyle::Hatch::Forward;
    s.stateHatch[int(UnitState::Ready)] = TimelineStyle::Hatch::Backward;
}

// Derived colours (lighter(), darker()) carry more precision than 8 bits; round them, so the
// style's colours are exactly what lands in an image.
TimelineStyle rounded(TimelineStyle s)
{
    for (QColor *c : {&s.background, &s.alternateRow, &s.text, &s.mutedText, &s.grid, &s.separator,
                      &s.selection, &s.hover, &s.cursor, &s.liveEdge, &s.deadline, &s.flow,
                      &s.finding, &s.loopBusy, &s.loopBlocked, &s.counterFill, &s.counterLine})
        *c = QColor::fromRgb(c->rgb());
    for (QColor &c : s.stateColors)
        c = QColor::fromRgb(c.rgb());
    for (QColor &c : s.hatchColors)
        c = QColor::fromRgb(c.rgb());
    for (QColor &c : s.outcomeColors)
        c = QColor::fromRgb(c.rgb());
    return s;
}

} // namespace

TimelineStyle TimelineStyle::light()
{
    TimelineStyle s;
    s.name = QStringLiteral("light");
    setCommon(s);
    s.background = QColor(0xFFFFFF);
    s.alternateRow = QColor(0xF6F7F9);
    s.text = QColor(0x1F2328);
    s.mutedText = QColor(0x6B7280);
    s.grid = QColor(0xE3E6EA);
    s.separator = QColor(0xC9CED6);
    s.selection = QColor(0xDCEBFA);
    s.hover = QColor(0xEEF3F8);
    s.cursor = QColor(0x1F2328);
    s.liveEdge = QColor(OiVermillion);
    s.deadline = QColor(OiVermillion);
    s.flow = QColor(OiBlue);
    s.finding = QColor(OiOrange);
    s.loopBusy = QColor(0x7FB8A8);
    s.loopBlocked = QColor(OiVermillion);
    s.counterFill = QColor(0xE2E6EC);
    s.counterLine = QColor(0x5B6778);
    s.held = QColor(OiPurple);
    s.heldText = QColor(0x1F2328);

    s.stateColors[int(UnitState::Pending)] = QColor(0xD4D7DC);
    s.stateColors[int(UnitState::Running)] = QColor(OiGreen);
    s.stateColors[int(UnitState::Waiting)] = QColor(OiSkyBlue).lighter(125);
    s.stateColors[int(UnitState::Queued)] = QColor(OiOrange).lighter(135);
    s.stateColors[int(UnitState::Ready)] = QColor(OiYellow);
    s.hatchColors[int(UnitState::Pending)] = QColor(0x9CA3AF);
    s.hatchColors[int(UnitState::Running)] = QColor(0x005A43);
    s.hatchColors[int(UnitState::Waiting)] = QColor(OiBlue);
    s.hatchColors[int(UnitState::Queued)] = QColor(0xB06F00);
    s.hatchColors[int(UnitState::Ready)] = QColor(0x8A7F00);

    s.outcomeColors[int(Outcome::None)] = s.mutedText;
    s.outcomeColors[int(Outcome::Completed)] = QColor(0x00765A);
    s.outcomeColors[int(Outcome::Failed)] = QColor(OiVermillion);
    s.outcomeColors[int(Outcome::Cancelled)] = QColor(0x4B5563);
    s.outcomeColors[int(Outcome::TimedOut)] = QColor(OiPurple).darker(130);
    s.outcomeColors[int(Outcome::NeverAwaited)] = QColor(0x6B7280);
    return rounded(s);
}

TimelineStyle TimelineStyle::dark()
{
    TimelineStyle s;
    s.name = QStringLiteral("dark");
    setCommon(s);
    s.background = QColor(0x1C1E22);
    s.alternateRow = QColor(0x23262B);
    s.text = QColor(0xE6E8EB);
    s.mutedText = QColor(0x9AA1AB);
    s.grid = QColor(0x2F333A);
    s.separator = QColor(0x454B55);
    s.selection = QColor(0x23405E);
    s.hover = QColor(0x2A3038);
    s.cursor = QColor(0xE6E8EB);
    s.liveEdge = QColor(0xFF7A33);
    s.deadline = QColor(0xFF7A33);
    s.flow = QColor(OiSkyBlue);
    s.finding = QColor(OiYellow);
    s.loopBusy = QColor(0x2F6E5E);
    s.loopBlocked = QColor(0xFF7A33);
    s.counterFill = QColor(0x343A44);
    s.counterLine = QColor(0x9AA6B8);
    s.held = QColor(OiPurple).darker(115);
    s.heldText = QColor(0x111316);

    s.stateColors[int(UnitState::Pending)] = QColor(0x4A4F57);
    s.stateColors[int(UnitState::Running)] = QColor(0x1FBF8F);
    s.stateColors[int(UnitState::Waiting)] = QColor(0x2F7FB5);
    s.stateColors[int(UnitState::Queued)] = QColor(OiOrange);
    s.stateColors[int(UnitState::Ready)] = QColor(OiYellow);
    s.hatchColors[int(UnitState::Pending)] = QColor(0x6B7280);
    s.hatchColors[int(UnitState::Running)] = QColor(0x0E6E52);
    s.hatchColors[int(UnitState::Waiting)] = QColor(0x1B4F75);
    s.hatchColors[int(UnitState::Queued)] = QColor(0x7A4F00);
    s.hatchColors[int(UnitState::Ready)] = QColor(0x6E6800);

    s.outcomeColors[int(Outcome::None)] = s.mutedText;
    s.outcomeColors[int(Outcome::Completed)] = QColor(0x3DDBA8);
    s.outcomeColors[int(Outcome::Failed)] = QColor(0xFF7A33);
    s.outcomeColors[int(Outcome::Cancelled)] = QColor(0xC3C8CF);
    s.outcomeColors[int(Outcome::TimedOut)] = QColor(OiPurple);
    s.outcomeColors[int(Outcome::NeverAwaited)] = QColor(0x9AA1AB);
    return rounded(s);
}

} // namespace Loopscope
