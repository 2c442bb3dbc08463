#include "gzipwriter.h"

#include <zlib.h>

namespace Loopscope {

namespace {
constexpr int OutSize = 256 * 1024;
} // namespace

struct GzipWriter::Stream
{
    z_stream zs {};
    bool ready = false;
    bool finished = false;
    char out[OutSize];
    ~Stream()
    {
        if (ready)
            deflateEnd(&zs);
    }
};

GzipWriter::GzipWriter(QIODevice *target, int level)
    : m_target(target)
    , m_stream(std::make_unique<Stream>())
{
    // 16 + window bits: a gzip header and trailer instead of zlib's.
    m_stream->ready
        = deflateInit2(&m_stream->zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY)
        == Z_OK;
    if (m_stream->ready)
        open(QIODevice::WriteOnly | QIODevice::Unbuffered);
    else
        setErrorString(QStringLiteral("cannot start gzip compression: out of memory"));
}

GzipWriter::~GzipWriter() = default;

bool GzipWriter::deflateInto(int flush)
{
    z_stream &zs = m_stream->zs;
    do {
        zs.next_out = reinterpret_cast<Bytef *>(m_stream->out);
        zs.avail_out = OutSize;
        const int ret = deflate(&zs, flush);
        if (ret == Z_STREAM_ERROR) {
            setErrorString(QStringLiteral("gzip compression failed"));
            return false;
        }
        const qint64 produced = OutSize - qint64(zs.avail_out);
        if (produced > 0 && m_target->write(m_stream->out, produced) != produced) {
            setErrorString(m_target->errorString());
            return false;
        }
    } while (zs.avail_out == 0);
    return true;
}

qint64 GzipWriter::writeData(const char *data, qint64 length)
{
    if (!m_stream->ready || m_stream->finished)
        return -1;
    z_stream &zs = m_stream->zs;
    qint64 done = 0;
    // avail_in is 32 bits: feed a huge write in pieces.
    while (done < length) {
        const qint64 piece = std::min<qint64>(length - done, 1 << 30);
        zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data + done));
        zs.avail_in = uInt(piece);
        if (!deflateInto(Z_NO_FLUSH))
            return -1;
        done += piece;
    }
    return length;
}

bool GzipWriter::finish()
{
    if (!m_stream->ready)
        return false;
    if (m_stream->finished)
        return true;
    m_stream->zs.next_in = nullptr;
    m_stream->zs.avail_in = 0;
    m_stream->finished = true;
    return deflateInto(Z_FINISH);
}

} // namespace Loopscope
