namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// Tokenizes only as much of a text as a caller that keeps its first tokens needs, so that the work per row is bounded by the
/// tokens kept (a model's sequence length, a question-answering window budget), not by the row's length: a 10 MB row costs what
/// its first few thousand characters cost.
/// </summary>
/// <remarks>
/// <para>
/// The text is cut just before a whitespace character that follows a non-whitespace one. Every tokenizer here splits words at
/// whitespace before anything else (BERT's basic tokenizer, GPT-2's pre-tokenizing regex, SentencePiece's whitespace pieces, one
/// character per token), and normalization works character by character, so the tokens of the part before such a cut are exactly
/// the first tokens of the whole text. The first cut is near <see cref="FirstCharactersPerToken"/> characters per wanted token;
/// while the part gives fewer tokens than wanted, the cut doubles, up to <see cref="MaxCharactersPerToken"/> characters per token.
/// </para>
/// <para>
/// Past that bound (a text with fewer than one token per 64 characters: megabytes of white space, one enormous word), the text is
/// cut there anyway, at a whitespace boundary when its last half has one and otherwise at that character (never inside a surrogate
/// pair): the work stays bounded, and only the last word of the kept part can then tokenize differently from the whole text.
/// Ordinary text (about 4 to 6 characters per token) never gets there.
/// </para>
/// </remarks>
internal static class TokenPrefix
{
    /// <summary>Characters per wanted token of the first cut: about twice what English needs, so one try is the rule.</summary>
    public const int FirstCharactersPerToken = 8;

    /// <summary>Characters per wanted token of the last cut; a text shorter than this many per token is tokenized whole.</summary>
    public const int MaxCharactersPerToken = 64;

    /// <summary>The first tokens of <paramref name="text"/> (at least <paramref name="count"/> when it has that many), as <paramref name="encode"/> gives them for the whole text.</summary>
    /// <param name="text">A non-empty text.</param>
    /// <param name="count">Tokens wanted; below 1 means none.</param>
    /// <param name="encode">The backend's encoding of a whole text.</param>
    /// <param name="length">The number of tokens in an encoding.</param>
    public static T Encode<T>(string text, int count, Func<string, T> encode, Func<T, int> length)
    {
        long limit = (long)Math.Max(count, 1) * MaxCharactersPerToken;
        if (text.Length <= limit)
            return encode(text);
        long characters = (long)Math.Max(count, 1) * FirstCharactersPerToken;
        while (true)
        {
            bool last = characters >= limit;
            int cut = Cut(text, (int)Math.Min(characters, limit), exactOnly: !last);
            if (cut > 0)
            {
                var tokens = encode(text[..cut]);
                if (length(tokens) >= count || last)
                    return tokens;
            }
            characters *= 2;
        }
    }

    /// <summary>
    /// The last position at or before <paramref name="at"/> (and after half of it) of a space, tab or line break following a
    /// non-whitespace character (every tokenizer here separates words there); 0 when there is none and <paramref name="exactOnly"/>, otherwise <paramref name="at"/> (moved back off a
    /// surrogate pair's second half).
    /// </summary>
    private static int Cut(string text, int at, bool exactOnly)
    {
        for (int i = at; i > at / 2; i--)
        {
            if (text[i] is ' ' or '\t' or '\n' or '\r' && !char.IsWhiteSpace(text[i - 1]))
                return i;
        }
        if (exactOnly)
            return 0;
        return char.IsLowSurrogate(text[at]) && char.IsHighSurrogate(text[at - 1]) ? at - 1 : at;
    }
}
