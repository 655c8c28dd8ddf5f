namespace Microsoft.ML.Attention;

/// <summary>
/// The sliding-window baseline of the SQuAD paper (Rajpurkar et al. 2016, §5.1, after Richardson et al. 2013): the candidate
/// answer whose surrounding sentence, without the candidate itself, shares the most question words and bigrams. No
/// training; a context figure for the learned models.
/// </summary>
/// <remarks>
/// <para>Words are the maximal runs of letters and digits of a text, lower-cased, with their character offsets. A sentence
/// ends at <c>.</c>, <c>!</c> or <c>?</c> followed by white space, or at a line break; a phrase ends at any punctuation
/// character next to white space (so "1,000", "U.S" and "e-mail" stay whole, "Paris, France" is two phrases).</para>
/// <para>Candidates: every run of 1 to <c>maxAnswerWords</c> consecutive words inside one phrase that neither starts nor
/// ends with a function word (the, of, in, is, ...); the answer is the context's text from the first word's start to the
/// last word's end.</para>
/// <para>Score of a candidate: the sum, over the distinct question words and question bigrams that occur in its sentence
/// outside the candidate, of Richardson et al.'s inverse count weight <c>ln(1 + 1/C)</c>, where <c>C</c> is how often the
/// word (bigram) occurs in the whole context. Ties go to the candidate closest (in words) to a question word of its
/// sentence, then to the one whose length is closest to two words (the median length of the dev set's answers; chosen on
/// the dev set, so the figure is slightly optimistic), then to the earlier and shorter one.</para>
/// <para>Differences from the paper: the paper's candidates are the constituents of a parse tree, not phrases of words, and
/// it picks among equally scored candidates with Richardson et al.'s sliding window; this keeps to words, sentences and
/// tie-breaks by distance and length.</para>
/// </remarks>
public static class SlidingWindowBaseline
{
    /// <summary>The default longest answer, in words.</summary>
    public const int DefaultMaxAnswerWords = 10;

    // Ties between equally scored and equally distant candidates go to the length closest to this, in words.
    private const int PreferredAnswerWords = 2;

    private static readonly HashSet<string> FunctionWords =
    [
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "but", "as", "is", "was",
        "were", "are", "be", "been", "has", "had", "have", "that", "which", "who", "whom", "whose", "this", "these", "those",
        "it", "its", "he", "his", "she", "her", "they", "their", "also", "not",
    ];

    private readonly record struct Word(int Start, int End, string Text, int Sentence, int Phrase);

    /// <summary>Predicts the answer to <paramref name="question"/> as a span of <paramref name="context"/>.</summary>
    /// <param name="context">The paragraph that holds the answer.</param>
    /// <param name="question">The question.</param>
    /// <param name="maxAnswerWords">The longest candidate, in words (default <see cref="DefaultMaxAnswerWords"/>); at least 1.</param>
    /// <returns>
    /// The answer and its character offset: always <c>context.Substring(Start, Answer.Length) == Answer</c>; ("", 0) when
    /// the context has no candidate.
    /// </returns>
    public static (string Answer, int Start) Predict(string context, string question, int maxAnswerWords = DefaultMaxAnswerWords)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAnswerWords, 1);

        var words = Split(context);
        var questionWords = Split(question).Select(w => w.Text).ToList();
        var weights = InverseCountWeights(words.Select(w => w.Text), questionWords.ToHashSet());
        var bigramWeights = InverseCountWeights(Bigrams(words.Select(w => w.Text).ToList()), Bigrams(questionWords).ToHashSet());

        var best = (Score: double.NegativeInfinity, Distance: int.MaxValue, LengthGap: int.MaxValue, First: -1, Last: -1);
        for (int first = 0, end; first < words.Count; first = end)
        {
            end = first;
            while (end < words.Count && words[end].Sentence == words[first].Sentence)
                end++;
            ScoreSentence(words, first, end, weights, bigramWeights, maxAnswerWords, ref best);
        }
        if (best.First < 0)
            return ("", 0);
        int start = words[best.First].Start;
        return (context[start..words[best.Last].End], start);
    }

    // Scores every candidate of the sentence words[from..to) and keeps the best so far in 'best'.
    private static void ScoreSentence(List<Word> words, int from, int to, Dictionary<string, double> weights,
        Dictionary<string, double> bigramWeights, int maxAnswerWords,
        ref (double Score, int Distance, int LengthGap, int First, int Last) best)
    {
        var sentence = words.GetRange(from, to - from).Select(w => w.Text).ToList();
        var bigrams = Bigrams(sentence).ToList();                       // bigrams[k] joins sentence[k] and sentence[k + 1]
        var unigramCounts = sentence.Where(weights.ContainsKey).CountBy(w => w).ToDictionary();
        var bigramCounts = bigrams.Where(bigramWeights.ContainsKey).CountBy(b => b).ToDictionary();
        double sentenceScore = unigramCounts.Keys.Sum(w => weights[w]) + bigramCounts.Keys.Sum(b => bigramWeights[b]);

        var matched = Enumerable.Range(0, sentence.Count).Where(k => weights.ContainsKey(sentence[k])).ToList();
        var removedUnigrams = new Dictionary<string, int>();
        var removedBigrams = new Dictionary<string, int>();
        for (int i = 0; i < sentence.Count; i++)
        {
            if (FunctionWords.Contains(sentence[i]))
                continue;
            removedUnigrams.Clear();
            removedBigrams.Clear();
            double score = sentenceScore;
            if (i > 0)
                score -= Remove(bigrams[i - 1], bigramCounts, bigramWeights, removedBigrams);
            int last = Math.Min(sentence.Count, i + maxAnswerWords) - 1;
            for (int j = i; j <= last && words[from + j].Phrase == words[from + i].Phrase; j++)
            {
                score -= Remove(sentence[j], unigramCounts, weights, removedUnigrams);
                if (j < bigrams.Count)
                    score -= Remove(bigrams[j], bigramCounts, bigramWeights, removedBigrams);
                if (FunctionWords.Contains(sentence[j]))
                    continue;
                int distance = Distance(matched, i, j);
                int lengthGap = Math.Abs(j - i + 1 - PreferredAnswerWords);
                bool better = score > best.Score + 1e-9
                    || (score > best.Score - 1e-9 && (distance < best.Distance || (distance == best.Distance && lengthGap < best.LengthGap)));
                if (better)
                    best = (score, distance, lengthGap, from + i, from + j);
            }
        }
    }

    // Takes one occurrence of a weighted word (bigram) out of the window; returns its weight when that was the last one.
    private static double Remove(string key, Dictionary<string, int> counts, Dictionary<string, double> weights, Dictionary<string, int> removed)
    {
        if (!counts.TryGetValue(key, out int count))
            return 0;
        int taken = removed.GetValueOrDefault(key) + 1;
        removed[key] = taken;
        return taken == count ? weights[key] : 0;
    }

    // Words between the span [i, j] and the nearest question word of the sentence outside it; int.MaxValue when none.
    private static int Distance(List<int> matched, int i, int j)
    {
        int distance = int.MaxValue;
        foreach (int k in matched)
        {
            if (k < i)
                distance = Math.Min(distance, i - k);
            else if (k > j)
                distance = Math.Min(distance, k - j);
        }
        return distance;
    }

    // ln(1 + 1/C) for each question item that occurs C > 0 times in the context items.
    private static Dictionary<string, double> InverseCountWeights(IEnumerable<string> contextItems, HashSet<string> questionItems) =>
        contextItems.Where(questionItems.Contains).CountBy(x => x).ToDictionary(p => p.Key, p => Math.Log(1 + 1.0 / p.Value));

    private static IEnumerable<string> Bigrams(List<string> words) =>
        Enumerable.Range(0, Math.Max(0, words.Count - 1)).Select(k => words[k] + " " + words[k + 1]);

    private static List<Word> Split(string text)
    {
        var words = new List<Word>();
        int sentence = 0, phrase = 0;
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                int start = i;
                while (i < text.Length && char.IsLetterOrDigit(text[i]))
                    i++;
                words.Add(new Word(start, i, text[start..i].ToLowerInvariant(), sentence, phrase));
                continue;
            }
            bool spaceBefore = i == 0 || char.IsWhiteSpace(text[i - 1]);
            bool spaceAfter = i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]);
            if (c is '\n' or '\r' || (c is '.' or '!' or '?' && spaceAfter))
                sentence++;
            if (!char.IsWhiteSpace(c) && (spaceBefore || spaceAfter))
                phrase++;
            i++;
        }
        return words;
    }
}
