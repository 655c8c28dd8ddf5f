using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// One tokenization scheme behind <see cref="TextTokenizer"/>: encodes, decodes and writes its own complete definition.
/// <see cref="TextTokenizer"/> validates arguments before calling in, so implementations see non-empty text and in-range ids.
/// </summary>
internal abstract class TokenizerBackend
{
    /// <summary>Names used when an added special token is decoded with special tokens kept.</summary>
    public const string PadText = "[PAD]";

    /// <summary>See <see cref="PadText"/>.</summary>
    public const string MaskText = "[MASK]";

    /// <summary>See <see cref="PadText"/>.</summary>
    public const string UnkText = "[UNK]";

    /// <summary>The scheme.</summary>
    public abstract TokenizerKind Kind { get; }

    /// <summary>Ids in the underlying vocabulary; ids at or above it are special tokens added by this project.</summary>
    public abstract int BaseVocabularySize { get; }

    /// <summary>All ids, added special tokens included.</summary>
    public abstract int VocabularySize { get; }

    /// <summary>The special token ids.</summary>
    public abstract SpecialTokenIds Special { get; }

    /// <summary>Content ids of a non-empty text, no special tokens added.</summary>
    public abstract int[] Encode(string text);

    /// <summary>
    /// The ids of <see cref="Encode"/> with each token's characters in <paramref name="text"/> (see <see cref="TokenSpan"/>); spans lie
    /// inside the text and their starts never decrease.
    /// </summary>
    public abstract TokenSpan[] EncodeWithOffsets(string text);

    /// <summary>Text of ids that are all in [0, <see cref="VocabularySize"/>).</summary>
    public abstract string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens);

    /// <summary>
    /// The spans of Microsoft.ML.Tokenizers tokens whose offsets index an encoded form of <paramref name="text"/> (normalized, or with
    /// a prefix) of <paramref name="encodedLength"/> characters; <paramref name="characterOf"/> gives the characters [Start, End) of
    /// <paramref name="text"/> that encoded character k came from. Spans are widened to whole surrogate pairs, kept inside the text,
    /// and their starts made non-decreasing.
    /// </summary>
    protected static TokenSpan[] SpansOf(IReadOnlyList<EncodedToken> tokens, string text, int encodedLength, Func<int, (int Start, int End)> characterOf)
    {
        var spans = new TokenSpan[tokens.Count];
        int previousStart = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            var (offset, length) = tokens[i].Offset.GetOffsetAndLength(encodedLength);
            int start, end;
            if (length == 0 || offset >= encodedLength)
            {
                start = end = offset < encodedLength ? characterOf(offset).Start : text.Length;
            }
            else
            {
                start = characterOf(offset).Start;
                end = characterOf(offset + length - 1).End;
            }

            start = Math.Clamp(start, previousStart, text.Length);
            end = Math.Clamp(end, start, text.Length);
            if (start > 0 && start < text.Length && char.IsLowSurrogate(text[start]) && char.IsHighSurrogate(text[start - 1]) && start - 1 >= previousStart)
            {
                start--;
            }

            if (end > start && end < text.Length && char.IsHighSurrogate(text[end - 1]) && char.IsLowSurrogate(text[end]))
            {
                end++;
            }

            spans[i] = new TokenSpan(tokens[i].Id, start, end - start);
            previousStart = start;
        }

        return spans;
    }

    /// <summary>
    /// The token spans of a SentencePiece model whose only normalization is the dummy-prefix space (spaces kept, nothing collapsed):
    /// its offsets index the text after that prefix, so they are shifted back by it; a token holding the prefix starts at character 0.
    /// </summary>
    protected static TokenSpan[] SentencePieceSpans(SentencePieceTokenizer tokenizer, string text, string kindName)
    {
        var tokens = tokenizer.EncodeToTokens(text, out string? normalized, addBeginningOfSentence: false, addEndOfSentence: false);
        int encodedLength = normalized?.Length ?? text.Length;
        int shift = encodedLength - text.Length;
        if (shift < 0 || (normalized is not null && !normalized.AsSpan(shift).SequenceEqual(text)))
        {
            throw new InvalidOperationException($"The {kindName} tokenizer normalized a text of {text.Length} characters unexpectedly ({encodedLength} characters); offsets are undefined.");
        }

        return SpansOf(tokens, text, encodedLength, k => k < shift ? (0, 0) : (k - shift, k - shift + 1));
    }

    /// <summary>
    /// <paramref name="text"/> with every unpaired surrogate replaced by U+FFFD, the character UTF-8 encoding gives it; the same
    /// length, so offsets keep their meaning. BERT's Unicode normalization throws on unpaired surrogates, and GPT-2's tiktoken turned
    /// each into three bytes that decode to three U+FFFD.
    /// </summary>
    protected static string ReplaceLoneSurrogates(string text)
    {
        int index = 0;
        while (index < text.Length && System.Text.Rune.DecodeFromUtf16(text.AsSpan(index), out _, out int consumed) == System.Buffers.OperationStatus.Done)
        {
            index += consumed;
        }

        if (index == text.Length)
        {
            return text;
        }

        return string.Create(text.Length, text, static (chars, source) =>
        {
            source.CopyTo(chars);
            for (int i = 0; i < chars.Length; i++)
            {
                if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(chars[i]))
                {
                    chars[i] = '\uFFFD';
                }
            }
        });
    }

    /// <summary>Writes the scheme-specific part of the definition (see the format block in <see cref="TextTokenizer.Save"/>).</summary>
    public abstract void WriteDefinition(BinaryWriter writer);
}
