using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// A karpathy/llama2.c tokenizer (SentencePiece BPE with byte fallback). Ids 0..N-1 are the file's (0 &lt;unk&gt;,
/// 1 &lt;s&gt; = Bos, 2 &lt;/s&gt; = Eos); [PAD] = N and [MASK] = N + 1 are added after them, so
/// <see cref="VocabularySize"/> is N + 2 while a llama2.c model's embedding has <see cref="BaseVocabularySize"/> = N rows.
/// </summary>
/// <remarks>
/// Encoding: Microsoft.ML.Tokenizers' <see cref="SentencePieceTokenizer"/> over a ModelProto built in memory from the
/// pieces and scores. Its BPE merges the adjacent pair whose merged piece has the highest score (leftmost on ties),
/// after a dummy-prefix space, with byte fallback: the algorithm of run.c's <c>encode</c>. The two agree whenever
/// every character of every multi-character piece is itself a piece, which SentencePiece training guarantees.
/// Decoding is hand-written because run.c's rules differ from SentencePiece's decoder: a piece's leading space is
/// dropped only right after Bos, and "&lt;0xXX&gt;" pieces are raw bytes, assembled before UTF-8 decoding.
/// </remarks>
internal sealed class Llama2cBackend : TokenizerBackend
{
    private readonly Llama2cVocabulary _vocabulary;
    private readonly SentencePieceTokenizer _tokenizer;
    private readonly byte[][] _pieceBytes;

    private Llama2cBackend(Llama2cVocabulary vocabulary, string source)
    {
        _vocabulary = vocabulary;
        int n = vocabulary.Count;
        Special = new SpecialTokenIds(Pad: n, Mask: n + 1, Bos: Llama2cVocabulary.BosId, Eos: Llama2cVocabulary.EosId, Unk: Llama2cVocabulary.UnknownId);

        _pieceBytes = new byte[n + 2][];
        var types = new SentencePieceModelWriter.PieceType[n];
        for (int id = 0; id < n; id++)
        {
            byte[] piece = vocabulary.Pieces[id];
            bool isByte = Llama2cVocabulary.TryParseBytePiece(piece, out byte value);
            _pieceBytes[id] = isByte ? [value] : piece;
            types[id] = id == Llama2cVocabulary.UnknownId ? SentencePieceModelWriter.PieceType.Unknown
                : id is Llama2cVocabulary.BosId or Llama2cVocabulary.EosId ? SentencePieceModelWriter.PieceType.Control
                : isByte ? SentencePieceModelWriter.PieceType.Byte
                : SentencePieceModelWriter.PieceType.Normal;
        }

        _pieceBytes[Special.Pad] = Encoding.UTF8.GetBytes(PadText);
        _pieceBytes[Special.Mask] = Encoding.UTF8.GetBytes(MaskText);

        byte[] model = SentencePieceModelWriter.WriteBpeModel(
            vocabulary.PieceTexts, vocabulary.Scores, types, Llama2cVocabulary.UnknownId, Llama2cVocabulary.BosId, Llama2cVocabulary.EosId);
        try
        {
            _tokenizer = SentencePieceTokenizer.Create(new MemoryStream(model, writable: false), addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: Microsoft.ML.Tokenizers rejected the vocabulary: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.Llama2c;

    /// <inheritdoc/>
    public override int BaseVocabularySize => _vocabulary.Count;

    /// <inheritdoc/>
    public override int VocabularySize => _vocabulary.Count + 2;

    /// <inheritdoc/>
    public override SpecialTokenIds Special { get; }

    /// <summary>Reads a tokenizer file (see <see cref="Llama2cVocabulary"/> for the format).</summary>
    public static Llama2cBackend CreateFromFile(string path, int? expectedCount) =>
        new(Llama2cVocabulary.ReadFile(path, expectedCount), $"llama2.c tokenizer file '{path}'");

    /// <summary>Reads what <see cref="WriteDefinition"/> wrote: the tokenizer file's bytes.</summary>
    public static Llama2cBackend ReadDefinition(BinaryReader reader, string source)
    {
        byte[] file = BinaryFormat.ReadByteArray(reader, Llama2cVocabulary.MaxFileBytes, "llama2.c tokenizer file", source);
        return new Llama2cBackend(Llama2cVocabulary.Parse(file, $"{source} (llama2.c tokenizer file)", expectedCount: null), source);
    }

    /// <inheritdoc/>
    public override void WriteDefinition(BinaryWriter writer) => BinaryFormat.WriteByteArray(writer, _vocabulary.FileBytes);

    /// <inheritdoc/>
    public override int[] Encode(string text) =>
        [.. _tokenizer.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false)];

    /// <inheritdoc/>
    public override TokenSpan[] EncodeWithOffsets(string text) => SentencePieceSpans(_tokenizer, text, "llama2.c");

    /// <summary>
    /// The bytes run.c's <c>decode(prev_token, token)</c> returns: the piece, without its leading space when
    /// <paramref name="previousId"/> is Bos, or the single raw byte of a "&lt;0xXX&gt;" piece.
    /// </summary>
    public ReadOnlySpan<byte> TokenBytes(int previousId, int id)
    {
        ReadOnlySpan<byte> piece = _pieceBytes[id];
        return previousId == Special.Bos && id < _vocabulary.Count && !Llama2cVocabulary.TryParseBytePiece(_vocabulary.Pieces[id], out _) && piece[0] == (byte)' '
            ? piece[1..]
            : piece;
    }

    /// <summary>
    /// run.c's decode over a sequence, starting as if right after Bos (a prompt always starts with Bos, so the first
    /// piece's dummy-prefix space is dropped); the assembled bytes are decoded as UTF-8 at the end.
    /// </summary>
    public override string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        var bytes = new List<byte>(ids.Count * 4);
        int previous = Special.Bos;
        foreach (int id in ids)
        {
            if (!(skipSpecialTokens && Special.Contains(id)))
            {
                bytes.AddRange(TokenBytes(previous, id));
            }

            previous = id;
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
