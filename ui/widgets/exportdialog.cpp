#include "exportdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Loopscope {

QString ExportRequest::formatName(Format format)
{
    switch (format) {
    case Format::Png:
        return QStringLiteral("PNG image");
    case Format::Svg:
        return QStringLiteral("SVG image");
    case Format::Pdf:
        return QStringLiteral("PDF document");
    case Format::TraceJson:
        return QStringLiteral("Trace JSON");
    }
    return {};
}

QString ExportRequest::suffix(Format format)
{
    switch (format) {
    case Format::Png:
        return QStringLiteral("png");
    case Format::Svg:
        return QStringLiteral("svg");
    case Format::Pdf:
        return QStringLiteral("pdf");
    case Format::TraceJson:
        return QStringLiteral("json");
    }
    return {};
}

ExportDialog::ExportDialog(const ExportRequest &initial, QWidget *parent)
    : QDialog(parent)
    , m_request(initial)
    , m_width(new QSpinBox(this))
    , m_height(new QSpinBox(this))
    , m_autoHeight(new QCheckBox(QStringLiteral("Fit every row"), this))
    , m_dpr(new QDoubleSpinBox(this))
    , m_whole(new QRadioButton(QStringLiteral("Whole run"), this))
    , m_visible(new QRadioButton(QStringLiteral("Visible range only"), this))
    , m_dark(new QCheckBox(QStringLiteral("Dark background"), this))
{
    setWindowTitle(QStringLiteral("Export %1").arg(ExportRequest::formatName(initial.format)));
    m_width->setRange(320, 20000);
    m_width->setSuffix(QStringLiteral(" px"));
    m_width->setValue(initial.size.width());
    m_width->setToolTip(QStringLiteral("Width of the picture in logical pixels"));
    m_height->setRange(200, 20000);
    m_height->setSuffix(QStringLiteral(" px"));
    m_height->setValue(initial.size.height() > 0 ? initial.size.height() : 900);
    m_height->setToolTip(QStringLiteral("Height of the picture in logical pixels"));
    m_autoHeight->setChecked(initial.size.height() <= 0);
    m_autoHeight->setToolTip(QStringLiteral("Make the picture tall enough for every row"));
    m_height->setEnabled(!m_autoHeight->isChecked());
    connect(m_autoHeight, &QCheckBox::toggled, m_height, [this](bool on) {
        m_height->setEnabled(!on);
    });
    m_dpr->setRange(1, 3);
    m_dpr->setSingleStep(0.5);
    m_dpr->setDecimals(1);
    m_dpr->setSuffix(QStringLiteral("\u00d7"));
    m_dpr->setValue(initial.dpr);
    m_dpr->setToolTip(QStringLiteral("Device pixel ratio: 2\u00d7 gives a sharp picture on "
                                     "high-DPI screens and slides"));
    m_dpr->setEnabled(initial.format == ExportRequest::Format::Png);
    (initial.visibleRange ? m_visible : m_whole)->setChecked(true);
    m_whole->setToolTip(QStringLiteral("Export the run from start to end"));
    m_visible->setToolTip(QStringLiteral("Export only the time range the timeline shows now"));
    m_dark->setChecked(initial.dark);
    m_dark->setToolTip(QStringLiteral("Use the dark timeline colours"));

    auto *sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_width);
    sizeRow->addWidget(m_height);
    sizeRow->addWidget(m_autoHeight);
    auto *rangeRow = new QHBoxLayout;
    rangeRow->addWidget(m_whole);
    rangeRow->addWidget(m_visible);
    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Size:"), sizeRow);
    form->addRow(QStringLiteral("Pixel ratio:"), m_dpr);
    form->addRow(QStringLiteral("Range:"), rangeRow);
    form->addRow(QString(), m_dark);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

ExportRequest ExportDialog::request() const
{
    ExportRequest r = m_request;
    r.size = QSize(m_width->value(), m_autoHeight->isChecked() ? 0 : m_height->value());
    r.dpr = m_dpr->value();
    r.visibleRange = m_visible->isChecked();
    r.dark = m_dark->isChecked();
    return r;
}

} // namespace Loopscope
