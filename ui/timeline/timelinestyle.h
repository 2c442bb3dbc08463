#pragma once

#include "traceevent.h"

#include <QColor>
#include <QFont>

namespace Loopscope {

//! How the timeline looks: colours, fonts and metrics, shared by the view and every exporter.
//!
//! State colours follow the Okabe-Ito palette, so they stay apart for colour-blind readers; they
//! also differ in lightness, and `queued` and `ready` carry a hatch on top of their colour, so a
//! grey-scale print still tells them apart. Outcomes differ by shape as well as by colour.
//! A plain value: start from light() or dark() and change what you like.
struct TimelineStyle
{
    enum class Hatch : quint8 { None, Forward, Backward }; //!< "/" and "\" lines over the fill

    QString name; //!< "light" or "dark"

    // Colours
    QColor background;
    QColor alternateRow;  //!< faint stripe on every other row
    QColor text;
    QColor mutedText;     //!< kind hints, notes, ruler labels
    QColor grid;          //!< vertical lines at ruler ticks
    QColor separator;     //!< lines between the label column / row groups and the rest
    QColor selection;     //!< background of the selected row
    QColor hover;         //!< background of the hovered row
    QColor cursor;        //!< the time cursor line
    QColor liveEdge;      //!< "now" line of a live run
    QColor deadline;      //!< dashed timeout marker
    QColor flow;          //!< awaiter -> awaited arrows
    QColor finding;       //!< the badge of a finding pinned on a lane
    QColor loopBusy;      //!< event loop running code
    QColor loopBlocked;   //!< event loop blocked
    QColor counterFill;
    QColor counterLine;
    QColor held;          //!< a lock lane's holds
    QColor heldText;      //!< the holder's label on them
    QColor stateColors[5];     //!< indexed by UnitState
    QColor hatchColors[5];     //!< colour of the hatch lines, indexed by UnitState
    Hatch stateHatch[5];       //!< indexed by UnitState
    QColor outcomeColors[6];   //!< indexed by Outcome

    // Fonts (pixel sized, so an export looks the same at any resolution)
    QFont font;       //!< row labels, legend
    QFont smallFont;  //!< kind hints, ruler, notes, labels inside bars
    QFont titleFont;  //!< the title line

    // Metrics, in logical pixels
    int margin = 12;        //!< around everything
    int titleHeight = 30;   //!< title line
    int rulerHeight = 24;   //!< time ruler under the title
    int legendHeight = 30;  //!< legend at the bottom
    int rowHeight = 22;     //!< one lane
    int barInset = 4;       //!< space above and below a bar inside its row
    int labelWidth = 220;   //!< the label column's narrowest width (TimelineGeometry fits it)
    int indent = 14;        //!< per nesting level in the label column
    int rightMargin = 28;   //!< room for outcome markers after the last time
    int groupGap = 8;       //!< space between the loop/worker/counter rows and the unit rows
    int overviewLaneHeight = 10; //!< one state's strip in the overview of all lanes
    double barRadius = 3.0; //!< corner radius of bars wide enough to show it
    double foldWidth = 3.0; //!< intervals narrower than this are folded into one bar
    double minBarWidth = 4.0; //!< no bar is drawn narrower (a 10 ms job in a 2 s run shows)
    double faintOpacity = 0.4; //!< a faint row's bars, markers and label (the pinned run)

    QColor stateColor(UnitState state) const { return stateColors[int(state)]; }
    QColor hatchColor(UnitState state) const { return hatchColors[int(state)]; }
    Hatch hatch(UnitState state) const { return stateHatch[int(state)]; }
    QColor outcomeColor(Outcome outcome) const { return outcomeColors[int(outcome)]; }
    //! Height of everything above the first row (margin, title, ruler).
    int headerHeight() const { return margin + titleHeight + rulerHeight; }
    //! Height of everything below the last row (legend, margin).
    int footerHeight() const { return legendHeight + margin; }
    //! Height of the overview of all lanes (a strip per state and the gap under it), shown
    //! between the title and the ruler when the rows do not fit (TimelineGeometry::overview).
    int overviewHeight() const { return 5 * overviewLaneHeight + 4 + groupGap; }

    static TimelineStyle light();
    static TimelineStyle dark();
};

} // namespace Loopscope
