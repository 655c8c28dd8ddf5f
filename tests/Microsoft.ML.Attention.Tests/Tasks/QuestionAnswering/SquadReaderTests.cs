using System.Text.Json;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.QuestionAnswering;

public class SquadReaderTests
{
    private static readonly string TrainPath = TestData.Path("qa", "squad-v1.1", "train-subset-du2017.json");
    private static readonly string DevPath = TestData.Path("qa", "squad-v1.1", "dev-v1.1.json");

    private static List<SquadRow> Rows(string path)
    {
        var ml = new MLContext(seed: 1);
        return ml.Data.CreateEnumerable<SquadRow>(SquadReader.Load(ml, path), reuseRowObject: false).ToList();
    }

    [Fact]
    public void Train_subset_has_one_row_per_question_and_the_first_equals_the_file()
    {
        var rows = Rows(TrainPath);
        Assert.Equal(11877, rows.Count);

        using var document = JsonDocument.Parse(File.ReadAllBytes(TrainPath));
        var article = document.RootElement.GetProperty("data")[0];
        var paragraph = article.GetProperty("paragraphs")[0];
        var question = paragraph.GetProperty("qas")[0];
        var answer = question.GetProperty("answers")[0];
        var first = rows[0];
        Assert.Equal(question.GetProperty("id").GetString(), first.Id);
        Assert.Equal(article.GetProperty("title").GetString(), first.Title);
        Assert.Equal(paragraph.GetProperty("context").GetString(), first.Context);
        Assert.Equal(question.GetProperty("question").GetString(), first.Question);
        Assert.Equal(answer.GetProperty("text").GetString(), first.Answer);
        Assert.Equal(answer.GetProperty("answer_start").GetInt32(), first.AnswerStart);
        Assert.Equal([first.Answer], first.GoldAnswers);
    }

    [Fact]
    public void Every_train_answer_is_the_context_text_at_its_offset()
    {
        var rows = Rows(TrainPath);
        Assert.All(rows, r => Assert.Equal(r.Answer, r.Context.Substring(r.AnswerStart, r.Answer.Length)));
        Assert.Equal(0, SquadReader.CountMismatchedAnswers(SquadReader.ReadExamples(TrainPath)));
    }

    [Fact]
    public void Dev_keeps_every_gold_answer()
    {
        var rows = Rows(DevPath);
        Assert.Equal(10570, rows.Count);
        Assert.All(rows, r => Assert.Contains(r.Answer, r.GoldAnswers));
        Assert.Equal(1, rows.Min(r => r.GoldAnswers.Length));
        Assert.Equal(6, rows.Max(r => r.GoldAnswers.Length));
        Assert.Equal(34726, rows.Sum(r => r.GoldAnswers.Length));       // duplicates kept, as in the file
        Assert.Equal(0, SquadReader.CountMismatchedAnswers(SquadReader.ReadExamples(DevPath)));
    }

    [Fact]
    public void The_first_gold_answer_scores_full_marks_through_the_evaluator()
    {
        var dev = SquadReader.Load(new MLContext(seed: 1), DevPath);
        Assert.Equal(new SquadMetrics(100, 100, 10570), SquadEvaluator.Evaluate(dev, predictionColumnName: "Answer"));
    }

    [Fact]
    public void Columns_have_the_documented_types()
    {
        var schema = SquadReader.Load(new MLContext(seed: 1), DevPath).Schema;
        foreach (var name in new[] { "Id", "Title", "Context", "Question", "Answer" })
            Assert.IsType<TextDataViewType>(schema[name].Type);
        Assert.Equal(NumberDataViewType.Int32, schema["AnswerStart"].Type);
        var gold = Assert.IsType<VectorDataViewType>(schema["GoldAnswers"].Type);
        Assert.IsType<TextDataViewType>(gold.ItemType);
        Assert.False(gold.IsKnownSize);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-squad-file.json");
        var error = Assert.Throws<FileNotFoundException>(() => SquadReader.ReadExamples(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void Malformed_json_names_the_file()
    {
        using var file = new TempFile("""{"data": [{"title": "T", "paragraphs": [""");
        var error = Assert.Throws<InvalidDataException>(() => SquadReader.ReadExamples(file.Path));
        Assert.Contains(file.Path, error.Message);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData("""{"id": "q1", "question": "Why?"}""", "data[0].paragraphs[0].qas[1].answers", "is missing")]
    [InlineData("""{"id": "q1", "question": "Why?", "answers": []}""", "data[0].paragraphs[0].qas[1].answers", "is empty")]
    [InlineData("""{"id": "q1", "question": "Why?", "answers": [{"text": "b"}]}""", "data[0].paragraphs[0].qas[1].answers[0].answer_start", "is missing")]
    [InlineData("""{"id": "q1", "question": "Why?", "answers": [{"text": "b", "answer_start": "2"}]}""", "data[0].paragraphs[0].qas[1].answers[0].answer_start", "is a JSON String")]
    [InlineData("""{"id": "q1", "question": "Why?", "answers": [{"text": "b", "answer_start": 2.5}]}""", "data[0].paragraphs[0].qas[1].answers[0].answer_start", "is 2.5; a 32-bit integer")]
    [InlineData("""{"question": "Why?", "answers": [{"text": "b", "answer_start": 2}]}""", "data[0].paragraphs[0].qas[1].id", "is missing")]
    public void A_missing_or_mistyped_field_is_named_by_its_json_path(string secondQuestion, string jsonPath, string problem)
    {
        using var file = new TempFile(Squad(secondQuestion));
        var error = Assert.Throws<InvalidDataException>(() => SquadReader.ReadExamples(file.Path));
        Assert.Contains(file.Path, error.Message);
        Assert.Contains($"'{jsonPath}' {problem}", error.Message);
    }

    [Fact]
    public void Answers_off_the_context_are_kept_and_counted()
    {
        string second = """{"id": "q1", "question": "Why?", "answers": [{"text": "b", "answer_start": 2}, {"text": "zz", "answer_start": 2}, {"text": "b", "answer_start": 99}]}""";
        using var file = new TempFile(Squad(second));
        var examples = SquadReader.ReadExamples(file.Path);
        Assert.Equal(2, examples.Count);
        Assert.Equal(3, examples[1].Answers.Count);
        Assert.Equal(new SquadAnswer("b", 99), examples[1].Answers[2]);
        Assert.Equal(2, SquadReader.CountMismatchedAnswers(examples));
    }

    // A one-paragraph file "a b c" whose first question is well formed and whose second is given.
    private static string Squad(string secondQuestion) =>
        $$"""{"version": "1.1", "data": [{"title": "T", "paragraphs": [{"context": "a b c", "qas": [{"id": "q0", "question": "What?", "answers": [{"text": "a", "answer_start": 0}]}, {{secondQuestion}}]}]}]}""";

    private sealed class TempFile : IDisposable
    {
        public TempFile(string text)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"squad-{Guid.NewGuid():N}.json");
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
