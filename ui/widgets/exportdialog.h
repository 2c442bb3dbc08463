#pragma once

#include <QDialog>
#include <QSize>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QRadioButton;
class QSpinBox;

namespace Loopscope {

//! What to export, as the export dialog asks it (and tests or scripts give it directly).
struct ExportRequest
{
    enum class Format { Png, Svg, Pdf, TraceJson };
    Format format = Format::Png;
    QSize size{1600, 0}; //!< logical pixels; height <= 0: tall enough for every row
    double dpr = 2.0;    //!< PNG only
    bool visibleRange = false; //!< only the time range the view shows (else the whole run)
    bool dark = false;         //!< the dark timeline style

    //! "PNG image", "SVG image", ...
    static QString formatName(Format format);
    //! "png", "svg", "pdf", "json".
    static QString suffix(Format format);
};

//! Asks for an image export's size, pixel ratio (PNG) and range. Only asks: the main window
//! writes the file (MainWindow::exportTo), so tests never need the dialog.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    ExportDialog(const ExportRequest &initial, QWidget *parent = nullptr);
    ExportRequest request() const;

private:
    ExportRequest m_request;
    QSpinBox *m_width;
    QSpinBox *m_height;
    QCheckBox *m_autoHeight;
    QDoubleSpinBox *m_dpr;
    QRadioButton *m_whole;
    QRadioButton *m_visible;
    QCheckBox *m_dark;
};

} // namespace Loopscope
