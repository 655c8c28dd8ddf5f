using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// BERT WordPiece through Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> (basic tokenization, CJK splitting;
/// accents are stripped exactly when lower-casing, as Hugging Face's BertTokenizer does by default). All five special
/// tokens ([PAD] [MASK] [CLS]=Bos [SEP]=Eos [UNK]) come from the vocabulary, so nothing is added. Special-token text
/// written in the input (e.g. "[MASK]") encodes to its id.
/// </summary>
internal sealed class WordPieceBackend : TokenizerBackend
{
    private const int MaxVocabularyBytes = 64 << 20;

    private readonly byte[] _vocabulary;
    private readonly bool _lowerCase;
    private readonly BertTokenizer _tokenizer;
    private readonly ConcurrentDictionary<int, string> _normalizedCharacters = new();

    private WordPieceBackend(byte[] vocabulary, bool lowerCase, string source)
    {
        _vocabulary = vocabulary;
        _lowerCase = lowerCase;
        VocabularySize = CountLines(vocabulary);
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            RemoveNonSpacingMarks = lowerCase,
            PreTokenizer = new RegexPreTokenizer(BertPunctuationSplit, SpecialTokensOf(vocabulary, lowerCase)),
        };
        try
        {
            _tokenizer = BertTokenizer.Create(new MemoryStream(vocabulary, writable: false), options);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: not a usable WordPiece vocabulary (one token per line, with [PAD] [MASK] [CLS] [SEP] [UNK]): {e.Message}", e);
        }

        Special = new SpecialTokenIds(
            Pad: _tokenizer.PaddingTokenId,
            Mask: _tokenizer.MaskingTokenId,
            Bos: _tokenizer.ClassificationTokenId,
            Eos: _tokenizer.SeparatorTokenId,
            Unk: _tokenizer.UnknownTokenId);
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.WordPiece;

    /// <inheritdoc/>
    public override int BaseVocabularySize => VocabularySize;

    /// <inheritdoc/>
    public override int VocabularySize { get; }

    /// <inheritdoc/>
    public override SpecialTokenIds Special { get; }

    /// <summary>A WordPiece tokenizer from the bytes of a vocab.txt.</summary>
    public static WordPieceBackend Create(Stream vocabulary, bool lowerCase, string source)
    {
        using var buffer = new MemoryStream();
        vocabulary.CopyTo(buffer);
        if (buffer.Length > MaxVocabularyBytes)
        {
            throw new InvalidDataException($"{source}: WordPiece vocabulary is {buffer.Length} bytes; at most {MaxVocabularyBytes} are accepted.");
        }

        return new WordPieceBackend(buffer.ToArray(), lowerCase, source);
    }

    /// <summary>Reads what <see cref="WriteDefinition"/> wrote.</summary>
    public static WordPieceBackend ReadDefinition(BinaryReader reader, string source)
    {
        bool lowerCase = BinaryFormat.ReadBoolean(reader, "WordPiece lower-case option", source);
        byte[] vocabulary = BinaryFormat.ReadByteArray(reader, MaxVocabularyBytes, "WordPiece vocabulary", source);
        return new WordPieceBackend(vocabulary, lowerCase, source);
    }

    /// <inheritdoc/>
    public override void WriteDefinition(BinaryWriter writer)
    {
        writer.Write(_lowerCase);
        BinaryFormat.WriteByteArray(writer, _vocabulary);
    }

    /// <inheritdoc/>
    public override int[] Encode(string text) => [.. _tokenizer.EncodeToIds(Clean(text), addSpecialTokens: false)];

    /// <inheritdoc/>
    /// <remarks>
    /// BERT's normalization (lower case, accents stripped, control characters dropped, spaces around CJK) changes lengths, and the
    /// library's offsets index the normalized text. So each character is normalized alone, the results are joined with a map back
    /// to the character they came from, and the joined text is tokenized without further normalization.
    /// </remarks>
    public override TokenSpan[] EncodeWithOffsets(string text)
    {
        string spaced = Clean(text);
        var normalized = new StringBuilder(text.Length);
        var origins = new List<(int Start, int End)>(text.Length);
        int index = 0;
        while (index < spaced.Length)
        {
            int start = index;
            int length = char.IsHighSurrogate(spaced[index]) && index + 1 < spaced.Length && char.IsLowSurrogate(spaced[index + 1]) ? 2 : 1;
            index += length;
            string piece = NormalizeCharacter(spaced.Substring(start, length));
            normalized.Append(piece);
            for (int k = 0; k < piece.Length; k++)
            {
                origins.Add((start, index));
            }
        }

        string joined = normalized.ToString();
        var tokens = _tokenizer.EncodeToTokens(joined, out _, considerPreTokenization: true, considerNormalization: false);
        return SpansOf(tokens, text, joined.Length, k => origins[k]);
    }

    // The tokenizer's own normalization of one character (a surrogate pair counts as one), cached.
    private string NormalizeCharacter(string character) =>
        _tokenizer.Normalizer is not { } normalizer ? character
        : _normalizedCharacters.GetOrAdd(character.Length == 2 ? char.ConvertToUtf32(character[0], character[1]) : character[0], _ => normalizer.Normalize(character));

    // Hugging Face's BERT splits off every punctuation character: ASCII non-alphanumeric printables and Unicode P* (its
    // _is_punctuation); other symbols stay inside their word. Microsoft.ML.Tokenizers' default BERT pre-tokenizer keeps only word
    // characters and Unicode P*, so "<", "=", "+" or an emoji silently vanished; this pattern restores BERT's rule (hand-written:
    // no library pre-tokenizer has it). Checked against Hugging Face in HuggingFaceParityTests.
    private static readonly Regex BertPunctuationSplit = new(
        @"[!-/:-@\[-`{-~]|\p{P}|[^\s!-/:-@\[-`{-~\p{P}]+", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    // BERT's text cleaning turns tabs and line breaks into spaces; Microsoft.ML.Tokenizers' normalizer drops them as control
    // characters, which glued "tabs\tand" into one word. Unpaired surrogates become U+FFFD: .NET's Unicode normalization throws on
    // them. Same length, so offsets keep their meaning.
    private static string Clean(string text)
    {
        string wellFormed = ReplaceLoneSurrogates(text);
        return wellFormed.AsSpan().IndexOfAny('\t', '\n', '\r') < 0 ? wellFormed : wellFormed.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
    }

    // The pre-tokenizer sees normalized (possibly lower-cased) text: special tokens are listed as they will appear there.
    private static Dictionary<string, int> SpecialTokensOf(byte[] vocabulary, bool lowerCase)
    {
        string[] names = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
        var found = new Dictionary<string, int>();
        using var lines = new StreamReader(new MemoryStream(vocabulary, writable: false), Encoding.UTF8);
        int id = 0;
        for (string? line = lines.ReadLine(); line is not null; line = lines.ReadLine(), id++)
        {
            string token = line.Trim();
            if (names.Contains(token))
                found.TryAdd(lowerCase ? token.ToLowerInvariant() : token, id);
        }
        return found;
    }

    /// <inheritdoc/>
    public override string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens) => _tokenizer.Decode(ids, skipSpecialTokens);

    // Ids are line numbers, as Microsoft.ML.Tokenizers assigns them.
    private static int CountLines(byte[] vocabulary)
    {
        using var lines = new StreamReader(new MemoryStream(vocabulary, writable: false), Encoding.UTF8);
        int count = 0;
        while (lines.ReadLine() is not null)
        {
            count++;
        }

        return count;
    }
}
