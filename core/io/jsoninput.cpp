#include "jsoninput.h"

#include <QIODevice>

#include <zlib.h>

namespace Loopscope {

namespace {

constexpr qint64 ChunkSize = 256 * 1024;

bool hasGzipMagic(const QByteArray &head)
{
    return head.size() >= 2 && quint8(head[0]) == 0x1f && quint8(head[1]) == 0x8b;
}

} // namespace

struct JsonInput::Gzip
{
    z_stream stream {};
    bool ended = false; // a member ended; more input must be another member
    ~Gzip() { inflateEnd(&stream); }
};

JsonInput::JsonInput(const QByteArray &bytes)
    : m_bytes(bytes)
{
    m_total = bytes.size();
    start();
}

JsonInput::JsonInput(QIODevice *device)
    : m_device(device)
{
    m_total = device->isSequential() ? 0 : device->size();
    start();
}

JsonInput::~JsonInput() = default;

void JsonInput::start()
{
    const bool gzip = m_device ? hasGzipMagic(m_device->peek(2)) : hasGzipMagic(m_bytes);
    if (gzip) {
        m_gzip = std::make_unique<Gzip>();
        // 16 + window bits: a gzip header and trailer, not zlib's (which is what qCompress has).
        if (inflateInit2(&m_gzip->stream, 16 + MAX_WBITS) != Z_OK) {
            m_error = QStringLiteral("cannot inflate the gzip data: out of memory");
            m_gzip.reset();
        }
        m_buffer = std::make_unique<char[]>(ChunkSize);
    }
    if (m_device)
        m_raw = std::make_unique<char[]>(ChunkSize);
    m_begin = m_cur = m_end = &m_sentinel;
    if (m_error.isEmpty() && fetch()) {
        m_cur = m_begin;
    } else {
        m_begin = m_cur = &m_sentinel;
        m_end = m_cur + 1;
        m_eof = true;
    }
}

void JsonInput::refill()
{
    if (m_eof) {
        m_cur = m_begin;
        return;
    }
    m_before += std::size_t(m_end - m_begin);
    if (fetch()) {
        m_cur = m_begin;
        return;
    }
    m_begin = m_cur = &m_sentinel;
    m_end = m_cur + 1;
    m_eof = true;
}

bool JsonInput::reportProgress()
{
    if (m_progress && !m_progress(m_consumed, m_total)) {
        m_cancelled = true;
        return false;
    }
    return true;
}

bool JsonInput::fetchRaw(const char **data, qint64 *size)
{
    if (!m_device) {
        if (m_consumed > 0 || m_bytes.isEmpty())
            return false;
        *data = m_bytes.constData();
        *size = m_bytes.size();
    } else {
        const qint64 n = m_device->read(m_raw.get(), ChunkSize);
        if (n < 0) {
            m_error = m_device->errorString();
            return false;
        }
        if (n == 0)
            return false;
        *data = m_raw.get();
        *size = n;
    }
    m_consumed += *size;
    return reportProgress();
}

bool JsonInput::fetch()
{
    if (!m_gzip) {
        const char *data = nullptr;
        qint64 size = 0;
        if (!fetchRaw(&data, &size))
            return false;
        m_begin = data;
        m_end = data + size;
        return true;
    }
    return inflateChunk();
}

bool JsonInput::inflateChunk()
{
    z_stream &zs = m_gzip->stream;
    zs.next_out = reinterpret_cast<Bytef *>(m_buffer.get());
    zs.avail_out = uInt(ChunkSize);
    for (;;) {
        if (zs.avail_in == 0) {
            const char *data = nullptr;
            qint64 size = 0;
            if (!fetchRaw(&data, &size)) {
                if (!m_cancelled && m_error.isEmpty() && !m_gzip->ended)
                    m_error = QStringLiteral("the gzip data is cut short (unexpected end of file)");
                break;
            }
            zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data));
            zs.avail_in = uInt(size);
        }
        if (m_gzip->ended) {
            // gzip files may be concatenated members; anything else after one is damage.
            if (zs.next_in[0] != 0x1f) {
                m_error = QStringLiteral("not a valid gzip file: data after its end");
                break;
            }
            inflateReset(&zs);
            m_gzip->ended = false;
        }
        const int ret = inflate(&zs, Z_NO_FLUSH);
        if (ret == Z_STREAM_END) {
            m_gzip->ended = true;
        } else if (ret == Z_NEED_DICT || ret == Z_DATA_ERROR || ret == Z_STREAM_ERROR) {
            m_error = QStringLiteral("not valid gzip data: %1")
                          .arg(QString::fromLatin1(zs.msg ? zs.msg : "corrupt stream"));
            break;
        } else if (ret == Z_MEM_ERROR) {
            m_error = QStringLiteral("cannot inflate the gzip data: out of memory");
            break;
        }
        if (zs.avail_out == 0 || (m_gzip->ended && zs.avail_out < uInt(ChunkSize)))
            break;
    }
    const qint64 produced = ChunkSize - qint64(zs.avail_out);
    if (produced == 0 || !m_error.isEmpty() || m_cancelled)
        return produced > 0 && m_error.isEmpty() && !m_cancelled;
    m_begin = m_buffer.get();
    m_end = m_begin + produced;
    return true;
}

} // namespace Loopscope
