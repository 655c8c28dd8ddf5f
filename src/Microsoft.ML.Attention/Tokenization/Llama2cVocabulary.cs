using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// The contents of a karpathy/llama2.c tokenizer file (e.g. tok512.bin), validated.
/// </summary>
/// <remarks>
/// <code>
/// // *** Binary format (llama2.c run.c build_tokenizer; little-endian) ***
/// // int32   max_token_length
/// // then, once per token id 0, 1, 2, ... to the end of the file:
/// //   float32 score      (SentencePiece BPE merge priority: higher merges first)
/// //   int32   len        (1..max_token_length)
/// //   byte[len] piece    (UTF-8; a space stands for SentencePiece's U+2581)
/// </code>
/// The file does not store the token count (run.c takes it from the model checkpoint), so the tokens run to the end of the
/// file. run.c fixes the ids it relies on: 0 &lt;unk&gt;, 1 &lt;s&gt; (Bos), 2 &lt;/s&gt; (Eos), and byte fallback as
/// byte value + 3, so ids 3..258 must be the pieces "&lt;0x00&gt;".."&lt;0xFF&gt;".
/// </remarks>
internal sealed class Llama2cVocabulary
{
    /// <summary>&lt;unk&gt;.</summary>
    public const int UnknownId = 0;

    /// <summary>&lt;s&gt;, beginning of sequence.</summary>
    public const int BosId = 1;

    /// <summary>&lt;/s&gt;, end of sequence.</summary>
    public const int EosId = 2;

    /// <summary>Id of the piece "&lt;0x00&gt;"; byte b is id b + 3 (run.c's byte fallback).</summary>
    public const int FirstByteId = 3;

    /// <summary>Largest file accepted, in bytes.</summary>
    public const int MaxFileBytes = 256 << 20;

    private const int MaxPieceBytes = 4096;
    private const int MaxTokens = 1 << 20;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private Llama2cVocabulary(byte[] fileBytes, int maxTokenLength, byte[][] pieces, float[] scores, string[] pieceTexts)
    {
        FileBytes = fileBytes;
        MaxTokenLength = maxTokenLength;
        Pieces = pieces;
        Scores = scores;
        PieceTexts = pieceTexts;
    }

    /// <summary>The file's bytes, unchanged.</summary>
    public byte[] FileBytes { get; }

    /// <summary>The header's max_token_length.</summary>
    public int MaxTokenLength { get; }

    /// <summary>Raw piece bytes by id.</summary>
    public IReadOnlyList<byte[]> Pieces { get; }

    /// <summary>Merge scores by id.</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>Pieces as strings (they are valid UTF-8).</summary>
    public IReadOnlyList<string> PieceTexts { get; }

    /// <summary>Number of token ids.</summary>
    public int Count => Pieces.Count;

    /// <summary>Reads and validates a tokenizer file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedCount">The token count the model expects, or null to accept any.</param>
    public static Llama2cVocabulary ReadFile(string path, int? expectedCount)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"llama2.c tokenizer file '{path}' does not exist.", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"llama2.c tokenizer file '{path}' is {info.Length} bytes; at most {MaxFileBytes} are accepted.");
        }

        return Parse(File.ReadAllBytes(path), $"llama2.c tokenizer file '{path}'", expectedCount);
    }

    /// <summary>Parses and validates the bytes of a tokenizer file; errors name <paramref name="source"/>.</summary>
    public static Llama2cVocabulary Parse(byte[] data, string source, int? expectedCount)
    {
        var span = new ReadOnlySpan<byte>(data);
        if (span.Length < 4)
        {
            throw new InvalidDataException($"{source} is truncated: {span.Length} bytes, too short for the max_token_length header.");
        }

        int maxTokenLength = BinaryPrimitives.ReadInt32LittleEndian(span);
        if (maxTokenLength < 1 || maxTokenLength > MaxPieceBytes)
        {
            throw new InvalidDataException($"{source}: max_token_length is {maxTokenLength}; expected 1..{MaxPieceBytes}.");
        }

        var pieces = new List<byte[]>();
        var scores = new List<float>();
        var texts = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int position = 4;
        while (position < span.Length)
        {
            int id = pieces.Count;
            if (id == MaxTokens)
            {
                throw new InvalidDataException($"{source} holds more than {MaxTokens} tokens.");
            }

            if (span.Length - position < 8)
            {
                throw new InvalidDataException($"{source} is truncated: token {id} needs an 8-byte score and length at offset {position}, {span.Length - position} bytes remain.");
            }

            float score = BinaryPrimitives.ReadSingleLittleEndian(span[position..]);
            int length = BinaryPrimitives.ReadInt32LittleEndian(span[(position + 4)..]);
            position += 8;
            if (!float.IsFinite(score))
            {
                throw new InvalidDataException($"{source}: token {id} has score {score}; scores must be finite.");
            }

            if (length < 1 || length > maxTokenLength)
            {
                throw new InvalidDataException($"{source}: token {id} has length {length}; expected 1..{maxTokenLength} (max_token_length).");
            }

            if (span.Length - position < length)
            {
                throw new InvalidDataException($"{source} is truncated: token {id} declares {length} bytes at offset {position}, {span.Length - position} remain.");
            }

            byte[] piece = span.Slice(position, length).ToArray();
            position += length;
            string text;
            try
            {
                text = StrictUtf8.GetString(piece);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"{source}: token {id} is not valid UTF-8.", e);
            }

            if (!seen.Add(text))
            {
                throw new InvalidDataException($"{source}: token {id} repeats the piece \"{text}\".");
            }

            pieces.Add(piece);
            scores.Add(score);
            texts.Add(text);
        }

        if (expectedCount is int expected && pieces.Count != expected)
        {
            throw new InvalidDataException($"{source} holds {pieces.Count} tokens; the model expects {expected}.");
        }

        if (pieces.Count < FirstByteId + 256)
        {
            throw new InvalidDataException($"{source} holds {pieces.Count} tokens; a llama2.c vocabulary has at least {FirstByteId + 256} (<unk>, <s>, </s>, 256 byte tokens).");
        }

        for (int b = 0; b < 256; b++)
        {
            if (!TryParseBytePiece(pieces[FirstByteId + b], out byte value) || value != b)
            {
                throw new InvalidDataException($"{source}: token {FirstByteId + b} is \"{texts[FirstByteId + b]}\"; llama2.c's byte fallback needs <0x{b:X2}> there.");
            }
        }

        return new Llama2cVocabulary(data, maxTokenLength, [.. pieces], [.. scores], [.. texts]);
    }

    /// <summary>
    /// Whether a piece designates a raw byte: "&lt;0xXX&gt;" with two hex digits, the pieces that run.c's
    /// <c>sscanf(piece, "&lt;0x%02hhX&gt;", ...)</c> turns into bytes.
    /// </summary>
    public static bool TryParseBytePiece(ReadOnlySpan<byte> piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece[0] == (byte)'<' && piece[1] == (byte)'0' && piece[2] == (byte)'x' && piece[5] == (byte)'>'
            && byte.TryParse(piece.Slice(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }
}
