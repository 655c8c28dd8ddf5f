using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// One sentence aligned for token classification: its words, its sub-word tokens over the words joined by single spaces, which word
/// each token belongs to, and the windows over the tokens that cover it (each packed as <c>[CLS] tokens[First, First + Count) [SEP]</c>).
/// Every word owns at least one token, and a word's tokens are contiguous: word <c>w</c> owns tokens
/// <c>[FirstToken[w], FirstToken[w] + TokenCount[w])</c>.
/// </summary>
/// <param name="Words">The words, as given.</param>
/// <param name="Tokens">The sub-word tokens in order, with their characters in <see cref="Text"/>.</param>
/// <param name="FirstToken">Per word, the index of its first token.</param>
/// <param name="TokenCount">Per word, how many tokens it owns (at least 1).</param>
/// <param name="Windows">The windows over <paramref name="Tokens"/>, in order; none for a sentence without words.</param>
internal sealed record AlignedSentence(string[] Words, TokenSpan[] Tokens, int[] FirstToken, int[] TokenCount, IReadOnlyList<(int First, int Count)> Windows)
{
    /// <summary>The words joined by single spaces: the text that token and entity character offsets index.</summary>
    public string Text => string.Join(' ', Words);

    /// <summary>The positions a window takes in a packed row: [CLS], its tokens and [SEP].</summary>
    public int WindowLength(int window) => Windows[window].Count + 2;

    /// <summary>
    /// The window a word is predicted from: among the windows that hold all of its tokens (or, when no window holds them all, the windows
    /// that hold its first token), the one where it is furthest from a window edge, i.e. the largest
    /// <c>min(tokens before it in the window, tokens after it in the window)</c>; the earlier window on ties.
    /// </summary>
    public int PredictionWindow(int word)
    {
        int first = FirstToken[word];
        int last = first + TokenCount[word] - 1;
        int best = -1;
        bool bestWhole = false;
        int bestContext = -1;
        for (int w = 0; w < Windows.Count; w++)
        {
            var (start, count) = Windows[w];
            int end = start + count;   // exclusive
            if (first < start || first >= end)
                continue;
            bool whole = last < end;
            int context = Math.Min(first - start, end - 1 - Math.Min(last, end - 1));   // tokens on its poorer side
            if (best < 0 || (whole && !bestWhole) || (whole == bestWhole && context > bestContext))
            {
                best = w;
                bestWhole = whole;
                bestContext = context;
            }
        }
        return best;
    }
}
