using System.Text.Json;

namespace Microsoft.ML.Attention;

/// <summary>
/// Reads SQuAD v1.1 JSON (<c>{"data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question", "answers": [{"text",
/// "answer_start"}]}]}]}]}</c>): one row per question, in file order.
/// </summary>
/// <remarks>
/// <para>Bad input:</para>
/// <list type="bullet">
/// <item>a missing file: <see cref="FileNotFoundException"/> naming the path;</item>
/// <item>malformed JSON: <see cref="InvalidDataException"/> naming the file, the line and the byte position;</item>
/// <item>a missing required field, a field of the wrong JSON type, an <c>answer_start</c> that is not a 32-bit integer or a
/// question without answers: <see cref="InvalidDataException"/> naming the file and the JSON path of the field, e.g.
/// <c>data[3].paragraphs[0].qas[5].answers</c>. Other fields (<c>version</c>, <c>is_impossible</c>, ...) are ignored;</item>
/// <item>an answer whose <c>answer_start</c> lies outside the context or whose text is not the context's text at that offset:
/// the row is kept as written (nothing is moved or dropped); <see cref="CountMismatchedAnswers"/> counts such answers, so a
/// caller decides whether to skip, log or stop. The official SQuAD v1.1 train and dev files have none.</item>
/// </list>
/// </remarks>
public static class SquadReader
{
    /// <summary>
    /// Reads a SQuAD v1.1 file into a data view with one row per question. Columns: <c>Id</c>, <c>Title</c>, <c>Context</c>,
    /// <c>Question</c>, <c>Answer</c> (the first gold answer's text) — all text; <c>AnswerStart</c> (Int32: the first gold
    /// answer's character offset in the context); <c>GoldAnswers</c> (a variable-length vector of text: every gold answer's
    /// text in file order, duplicates kept, for <see cref="SquadEvaluator"/>).
    /// </summary>
    /// <param name="ml">The ML.NET context.</param>
    /// <param name="path">The JSON file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not SQuAD v1.1 JSON; the message names the file and the JSON path.</exception>
    public static IDataView Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var rows = ReadExamples(path).Select(e => new SquadRow
        {
            Id = e.Id,
            Title = e.Title,
            Context = e.Context,
            Question = e.Question,
            Answer = e.Answers[0].Text,
            AnswerStart = e.Answers[0].Start,
            GoldAnswers = e.Answers.Select(a => a.Text).ToArray(),
        }).ToList();
        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>Reads a SQuAD v1.1 file into one <see cref="SquadExample"/> per question, in file order.</summary>
    /// <param name="path">The JSON file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not SQuAD v1.1 JSON; the message names the file and the JSON path.</exception>
    public static IReadOnlyList<SquadExample> ReadExamples(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The SQuAD file '{path}' does not exist.", path);

        using var stream = File.OpenRead(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The SQuAD file '{path}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            return new Parser(path).Examples(document.RootElement);
        }
    }

    /// <summary>
    /// Counts the gold answers (over all questions) whose <see cref="SquadAnswer.Start"/> lies outside the context or whose
    /// text is not <c>Context.Substring(Start, Text.Length)</c>; see <see cref="SquadAnswer.MatchesContext"/>.
    /// </summary>
    /// <param name="examples">Questions, e.g. from <see cref="ReadExamples"/>.</param>
    public static int CountMismatchedAnswers(IEnumerable<SquadExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return examples.Sum(e => e.Answers.Count(a => !a.MatchesContext(e.Context)));
    }

    // Walks the document with the JSON path of every element at hand, for the error messages.
    private sealed class Parser(string file)
    {
        public List<SquadExample> Examples(JsonElement root)
        {
            var examples = new List<SquadExample>();
            var articles = Field(root, "", "data", JsonValueKind.Array);
            int a = 0;
            foreach (var article in articles.EnumerateArray())
            {
                string articlePath = $"data[{a++}]";
                string title = Field(article, articlePath, "title", JsonValueKind.String).GetString()!;
                int p = 0;
                foreach (var paragraph in Field(article, articlePath, "paragraphs", JsonValueKind.Array).EnumerateArray())
                {
                    string paragraphPath = $"{articlePath}.paragraphs[{p++}]";
                    string context = Field(paragraph, paragraphPath, "context", JsonValueKind.String).GetString()!;
                    int q = 0;
                    foreach (var question in Field(paragraph, paragraphPath, "qas", JsonValueKind.Array).EnumerateArray())
                        examples.Add(Example(question, $"{paragraphPath}.qas[{q++}]", title, context));
                }
            }
            return examples;
        }

        private SquadExample Example(JsonElement question, string path, string title, string context)
        {
            string id = Field(question, path, "id", JsonValueKind.String).GetString()!;
            string text = Field(question, path, "question", JsonValueKind.String).GetString()!;
            var answers = new List<SquadAnswer>();
            int i = 0;
            foreach (var answer in Field(question, path, "answers", JsonValueKind.Array).EnumerateArray())
            {
                string answerPath = $"{path}.answers[{i++}]";
                string answerText = Field(answer, answerPath, "text", JsonValueKind.String).GetString()!;
                var start = Field(answer, answerPath, "answer_start", JsonValueKind.Number);
                if (!start.TryGetInt32(out int offset))
                    throw Invalid($"{answerPath}.answer_start", $"is {start.GetRawText()}; a 32-bit integer is required");
                answers.Add(new SquadAnswer(answerText, offset));
            }
            if (answers.Count == 0)
                throw Invalid($"{path}.answers", "is empty; a SQuAD v1.1 question has at least one answer");
            return new SquadExample(id, title, context, text, answers);
        }

        private JsonElement Field(JsonElement parent, string parentPath, string name, JsonValueKind kind)
        {
            string path = parentPath.Length == 0 ? name : $"{parentPath}.{name}";
            if (parent.ValueKind != JsonValueKind.Object)
                throw Invalid(parentPath.Length == 0 ? "(root)" : parentPath, $"is a JSON {parent.ValueKind}; an object with '{name}' is required");
            if (!parent.TryGetProperty(name, out var value))
                throw Invalid(path, $"is missing; a JSON {kind} is required");
            if (value.ValueKind != kind)
                throw Invalid(path, $"is a JSON {value.ValueKind}; a JSON {kind} is required");
            return value;
        }

        private InvalidDataException Invalid(string path, string problem) =>
            new($"The SQuAD file '{file}' is not SQuAD v1.1: '{path}' {problem}.");
    }
}
