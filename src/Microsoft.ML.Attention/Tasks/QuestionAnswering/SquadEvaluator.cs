using System.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>
/// The official SQuAD v1.1 metrics (<c>evaluate-v1.1.py</c>): exact match and token-overlap F1 of normalized answers, each
/// the maximum over a question's gold answers, averaged over questions and reported as percentages.
/// </summary>
/// <remarks>
/// Normalization (<see cref="NormalizeAnswer"/>), in the official order: lower case; remove the ASCII punctuation characters
/// (Python's <c>string.punctuation</c>: <c>!"#$%&amp;'()*+,-./:;&lt;=&gt;?@[\]^_`{|}~</c>); replace the whole words
/// <c>a</c>, <c>an</c> and <c>the</c> by a space (<c>\b(a|an|the)\b</c>, so "banana" keeps its letters); collapse white
/// space. As in the official script, two answers that both normalize to the empty string have exact match 1 and F1 0.
/// </remarks>
public static class SquadEvaluator
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>
    /// Exact match and F1 over (gold answers, prediction) pairs, one per question.
    /// </summary>
    /// <param name="rows">Each question's gold answers (at least one) and predicted answer (null counts as empty).</param>
    /// <exception cref="ArgumentException">A question has no gold answers.</exception>
    public static SquadMetrics Evaluate(IEnumerable<(IReadOnlyList<string> GoldAnswers, string Prediction)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        double exact = 0, f1 = 0;
        int count = 0;
        foreach (var (gold, prediction) in rows)
        {
            if (gold is null || gold.Count == 0)
                throw new ArgumentException($"Row {count} has no gold answers; every question needs at least one.", nameof(rows));
            exact += gold.Max(g => ExactMatchScore(prediction ?? "", g));
            f1 += gold.Max(g => F1Score(prediction ?? "", g));
            count++;
        }
        return new SquadMetrics(100 * exact / count, 100 * f1 / count, count);
    }

    /// <summary>
    /// Exact match and F1 of a data view: one row per question, with its gold answers and its predicted answer, e.g. a
    /// question-answering model's output over the data view of <see cref="SquadReader.Load"/>.
    /// </summary>
    /// <param name="data">The rows to evaluate.</param>
    /// <param name="goldAnswersColumnName">The gold answers: a vector of text (one or more per row), or a text column (one gold answer per row).</param>
    /// <param name="predictionColumnName">The predicted answer: a text column.</param>
    /// <exception cref="ArgumentException">A column is missing or of another type; a row has no gold answers.</exception>
    public static SquadMetrics Evaluate(IDataView data, string goldAnswersColumnName = "GoldAnswers", string predictionColumnName = "Answer")
    {
        ArgumentNullException.ThrowIfNull(data);
        var gold = TextColumn(data.Schema, goldAnswersColumnName, nameof(goldAnswersColumnName), allowVector: true);
        var predicted = TextColumn(data.Schema, predictionColumnName, nameof(predictionColumnName), allowVector: false);
        return Evaluate(Rows(data, gold, predicted));
    }

    /// <summary>The official normalization: lower case, no ASCII punctuation, no articles (a, an, the), single spaces.</summary>
    /// <param name="text">An answer.</param>
    public static string NormalizeAnswer(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var kept = new StringBuilder(text.Length);
        foreach (char c in text.ToLowerInvariant())
        {
            if (!AsciiPunctuation.Contains(c))
                kept.Append(c);
        }
        return string.Join(' ', Words(kept.ToString()));
    }

    /// <summary>1 when the normalized prediction equals the normalized gold answer, else 0.</summary>
    /// <param name="prediction">The predicted answer.</param>
    /// <param name="goldAnswer">One gold answer.</param>
    public static double ExactMatchScore(string prediction, string goldAnswer) =>
        NormalizeAnswer(prediction) == NormalizeAnswer(goldAnswer) ? 1 : 0;

    /// <summary>
    /// Token-overlap F1 of the normalized answers' white-space tokens: with <c>common</c> the size of the multiset
    /// intersection, precision = common / prediction tokens, recall = common / gold tokens, F1 = 2PR / (P + R); 0 without
    /// common tokens.
    /// </summary>
    /// <param name="prediction">The predicted answer.</param>
    /// <param name="goldAnswer">One gold answer.</param>
    public static double F1Score(string prediction, string goldAnswer)
    {
        var predicted = NormalizeAnswer(prediction).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var gold = NormalizeAnswer(goldAnswer).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var goldCounts = gold.CountBy(t => t).ToDictionary(p => p.Key, p => p.Value);
        int common = 0;
        foreach (var token in predicted)
        {
            if (goldCounts.TryGetValue(token, out int left) && left > 0)
            {
                goldCounts[token] = left - 1;
                common++;
            }
        }
        if (common == 0)
            return 0;
        double precision = (double)common / predicted.Length;
        double recall = (double)common / gold.Length;
        return 2 * precision * recall / (precision + recall);
    }

    // Python's str.split() of the text after \b(a|an|the)\b is replaced by a space: white-space tokens, with the articles
    // they hold taken out.
    private static IEnumerable<string> Words(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool boundary = i == text.Length || IsPythonSpace(text[i]);
            if (!boundary && start < 0)
            {
                start = i;
            }
            else if (boundary && start >= 0)
            {
                foreach (var piece in SplitArticles(text[start..i]))
                {
                    yield return piece;
                }

                start = -1;
            }
        }
    }

    // A white-space token can still hold an article between non-word characters (e.g. "«the»"): the regex replaces it by a
    // space, which splits the token there.
    private static IEnumerable<string> SplitArticles(string token)
    {
        int kept = 0;
        for (int i = 0; i < token.Length;)
        {
            if (!IsPythonWordCharacter(token[i]))
            {
                i++;
                continue;
            }
            int end = i;
            while (end < token.Length && IsPythonWordCharacter(token[end]))
                end++;
            if (IsArticle(token[i..end]))
            {
                if (i > kept)
                    yield return token[kept..i];
                kept = end;
            }
            i = end;
        }
        if (kept < token.Length)
            yield return token[kept..];
    }

    private static bool IsArticle(string word) => word is "a" or "an" or "the";

    // Python's str.isspace(): Unicode white space plus the information separators U+001C..U+001F.
    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    // Python's \w on str: letters, digits and other numerics (str.isalnum()) and the underscore.
    private static bool IsPythonWordCharacter(char c) =>
        char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.LetterNumber
            or System.Globalization.UnicodeCategory.OtherNumber;

    private static DataViewSchema.Column TextColumn(DataViewSchema schema, string name, string parameterName, bool allowVector)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameterName);
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The data has no column '{name}'.", parameterName);
        bool text = column.Type is TextDataViewType || (allowVector && column.Type is VectorDataViewType { ItemType: TextDataViewType });
        if (!text)
            throw new ArgumentException($"Column '{name}' is {column.Type}; {(allowVector ? "a vector of text or text" : "text")} is required.", parameterName);
        return column;
    }

    private static IEnumerable<(IReadOnlyList<string> GoldAnswers, string Prediction)> Rows(IDataView data,
        DataViewSchema.Column goldColumn, DataViewSchema.Column predictedColumn)
    {
        using var cursor = data.GetRowCursor([goldColumn, predictedColumn]);
        var gold = GoldGetter(cursor, goldColumn);
        var predictedGetter = cursor.GetGetter<ReadOnlyMemory<char>>(predictedColumn);
        ReadOnlyMemory<char> predicted = default;
        while (cursor.MoveNext())
        {
            predictedGetter(ref predicted);
            yield return (gold(), predicted.ToString());
        }
    }

    private static Func<IReadOnlyList<string>> GoldGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var scalar = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return () =>
            {
                scalar(ref value);
                return [value.ToString()];
            };
        }
        var vector = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> values = default;
        return () =>
        {
            vector(ref values);
            return values.DenseValues().Select(v => v.ToString()).ToArray();
        };
    }
}
