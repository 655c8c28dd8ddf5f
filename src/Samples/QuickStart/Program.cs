// The quick start: the library's tour in one run, on the data shipped in datasets/, with a progress bar for every long step and a
// summary table at the end.
//   1. import the pretrained all-MiniLM-L6-v2 encoder from ONNX and compare sentence embeddings;
//   2. fine-tune it for sentiment on yelp reviews and 3. evaluate it, next to 4. ML.NET's bag-of-words (FeaturizeText + SDCA) on the
//      same split; 5. save the .zip, reload it in a new MLContext and check that its scores are identical;
//   6. fine-tune a question-answering model from the same encoder on a slice of SQuAD v1.1, 7. evaluate it on SQuAD's dev questions
//      and 8. answer a question about a paragraph; 9. import the pretrained stories260K (a llama2.c checkpoint) and stream a story.
// The training bars are drawn from the library's own progress reports (TransformerTextOptions.Progress), not from its log.
//   dotnet run -c Release --project src/Samples/QuickStart                 the full run (yelp 800/200, 1,200 SQuAD questions, 200 dev questions)
//   dotnet run -c Release --project src/Samples/QuickStart -- --quick      seconds: slices of the data and a few steps (poor results)
//   ... -- --output DIR   where the .zip files go; --context "..." --question "..."   the question; --prompt "..."   the story's start
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Samples;
using Microsoft.ML.Data;
using QuestionAnswering;
using QuickStart;
using SentimentAnalysis;
using Spectre.Console;

var arguments = new SampleArguments("QuickStart", args);
bool quick = arguments.Quick;
int qaQuestions = int.Parse(arguments.Value("qa-questions") ?? (quick ? "32" : "1200"), CultureInfo.InvariantCulture);
int devQuestions = quick ? 20 : 200;
string review = arguments.Value("text") ?? "The food was great and the staff were friendly.";
string context = arguments.Value("context") ?? "Marie Curie was a physicist and chemist who was born in Warsaw in 1867 and moved to Paris in 1891.";
string question = arguments.Value("question") ?? "Where was Marie Curie born?";
string prompt = arguments.Value("prompt") ?? "Once upon a time";

// Spectre.Console reads what the output can do (AnsiConsole.Profile.Capabilities): in a terminal, live bars; redirected to a file or
// a pipe (a log, a test), no ANSI codes and no redraws: each bar prints plain lines at its milestones. Redirected output has no
// window width; 160 columns keep the summary table's rows unwrapped.
if (!AnsiConsole.Profile.Capabilities.Interactive || !AnsiConsole.Profile.Capabilities.Ansi)
    AnsiConsole.Profile.Width = 160;
AnsiConsole.MarkupLine($"[bold]Microsoft.ML.Attention quick start[/]{(quick ? " (quick mode)" : "")}: models go to {Markup.Escape(arguments.Output)}");

var mlContext = new MLContext(seed: 1);
var data = SentimentModel.LoadData(mlContext, quick);
var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
int trainRows = split.TrainSet.GetColumn<bool>("Label").Count();
int testRows = split.TestSet.GetColumn<bool>("Label").Count();
string sentimentPath = Path.Combine(arguments.Output, "SentimentAnalysis.zip");
string answeringPath = Path.Combine(arguments.Output, "QuestionAnswering.zip");
StepLog? steps = null;
string story = "";

AnsiConsole.Progress()
    .AutoClear(false)
    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
    .Start(progress =>
    {
        steps = new StepLog(progress);

        steps.Run("Import all-MiniLM-L6-v2 (ImportEncoder)", _ =>
        {
            string[] sentences = ["The food was delicious.", "The meal tasted great.", "The train leaves at noon."];
            using var encoder = mlContext.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath);
            var embeddings = encoder.Transform(mlContext.Data.LoadFromEnumerable(sentences.Select(s => new SentimentAnalysis.ModelInput { Text = s })))
                .GetColumn<float[]>("Embedding").ToList();
            return (encoder.Config, Paraphrase: TensorPrimitives.CosineSimilarity(embeddings[0], embeddings[1]),
                Unrelated: TensorPrimitives.CosineSimilarity(embeddings[0], embeddings[2]));
        }, r => $"{r.Config.LayerCount} layers x {r.Config.ModelDimension} dimensions; cosine: paraphrases {r.Paraphrase:F2}, unrelated {r.Unrelated:F2}");

        var (sentiment, _) = steps.Run($"Fine-tune sentiment from all-MiniLM-L6-v2 ({trainRows} yelp reviews)", task =>
        {
            var bar = new TrainingProgressBar(task);
            return (Model: SentimentModel.Train(SentimentModel.BuildPipeline(mlContext, quick, bar), split.TrainSet), Last: bar.Last!);
        }, r => $"{r.Last.Step} steps, {r.Last.Epochs} epoch(s), last training loss {r.Last.Loss:F3}");

        steps.Run($"Evaluate it on {testRows} held-out reviews", _ => SentimentModel.Evaluate(mlContext, sentiment, split.TestSet),
            m => $"accuracy {m.Accuracy:P1}, AUC {m.AreaUnderRocCurve:F3}");

        steps.Run("Bag-of-words: FeaturizeText + SdcaLogisticRegression, same split", _ =>
            SentimentModel.Evaluate(mlContext, SentimentModel.Train(SentimentModel.BuildBaselinePipeline(mlContext), split.TrainSet), split.TestSet),
            m => $"accuracy {m.Accuracy:P1}, AUC {m.AreaUnderRocCurve:F3}");

        steps.Run("Save the .zip and reload it in a new MLContext", _ =>
        {
            SentimentModel.SaveModel(mlContext, sentiment, split.TrainSet.Schema, sentimentPath);
            var reloaded = new MLContext().Model.Load(sentimentPath, out DataViewSchema _);
            float[] before = sentiment.Transform(split.TestSet).GetColumn<float>("Score").ToArray();
            float[] after = reloaded.Transform(split.TestSet).GetColumn<float>("Score").ToArray();
            (reloaded as IDisposable)?.Dispose();
            return (Identical: before.Zip(after).Count(p => p.First == p.Second), before.Length, Megabytes: new FileInfo(sentimentPath).Length / (1 << 20));
        }, r => $"{r.Megabytes} MB; reloaded scores identical on {r.Identical} of {r.Length} held-out reviews");
        (sentiment as IDisposable)?.Dispose();

        var (answering, _) = steps.Run($"Fine-tune question answering from all-MiniLM-L6-v2 ({qaQuestions} SQuAD questions)", task =>
        {
            var bar = new TrainingProgressBar(task);
            // A slice from all of the file's articles (it lists questions article by article): shuffled with a pool as large as the file.
            var questions = mlContext.Data.TakeRows(mlContext.Data.ShuffleRows(QuestionAnsweringModel.LoadTrainingData(mlContext, int.MaxValue),
                seed: 1, shufflePoolSize: 20_000), qaQuestions);
            var model = QuestionAnsweringModel.Train(BriefQuestionAnswering.BuildPipeline(mlContext, quick, bar), questions);
            QuestionAnsweringModel.SaveModel(mlContext, model, questions.Schema, answeringPath);
            return (Model: model, Last: bar.Last!);
        }, r => $"{r.Last.Step} steps, last training loss {r.Last.Loss:F3}");

        steps.Run($"Evaluate it on the first {devQuestions} SQuAD v1.1 dev questions", _ =>
            QuestionAnsweringModel.Evaluate(answering, QuestionAnsweringModel.LoadDevData(mlContext, devQuestions)),
            m => $"exact match {m.ExactMatch:F1}, F1 {m.F1:F1}");
        (answering as IDisposable)?.Dispose();

        QuestionAnsweringModel.ModelPath = answeringPath;   // consumption reloads the saved .zip, as an app that only answers would
        steps.Run("Answer a question about a paragraph", _ => QuestionAnsweringModel.Predict(new QuestionAnswering.ModelInput { Question = question, Context = context }),
            a => $"\"{a.Answer}\"");

        story = steps.Run("Generate a story: stories260K (ImportLlama2c), streamed", task =>
        {
            var generation = new GenerationOptions { Temperature = 0, MaxNewTokens = quick ? 60 : 200 };
            string folder = SampleData.PathOf("weights", "stories260K");
            using var stories = mlContext.Transforms.ImportLlama2c(Path.Combine(folder, "stories260K.bin"), Path.Combine(folder, "tok512.bin"),
                generation: generation);
            task.IsIndeterminate = false;
            task.MaxValue = generation.MaxNewTokens;
            var text = new StringBuilder(prompt);
            foreach (string piece in stories.GenerateStream(prompt))
            {
                text.Append(piece);
                task.Increment(1);                          // one piece per generated token
            }
            return text.ToString();
        }, s => $"\"{Start(s, 60)}\"");
    });

AnsiConsole.WriteLine();
AnsiConsole.Write(steps!.Summary());
SentimentModel.ModelPath = sentimentPath;
var prediction = SentimentModel.Predict(new SentimentAnalysis.ModelInput { Text = review });
var answer = QuestionAnsweringModel.Predict(new QuestionAnswering.ModelInput { Question = question, Context = context });
// Plain lines, never wrapped: a reader copies them, a test reads them.
Console.WriteLine($"Sentiment (reloaded .zip): \"{review}\" -> {(prediction.PredictedLabel ? "positive" : "negative")} (probability of positive {prediction.Probability:F3})");
Console.WriteLine($"Paragraph: {context}");
Console.WriteLine($"Q: {question}");
Console.WriteLine($"A: {answer.Answer} (characters {answer.AnswerStart}-{answer.AnswerStart + answer.Answer.Length}, score {answer.Score:F2})");
Console.WriteLine($"Story: {story.ReplaceLineEndings(" ")}");
Console.WriteLine($"Serve both models with a web page: dotnet run -c Release --project src/Samples/WebApi -- --Models:Sentiment={sentimentPath} --Models:QuestionAnswering={answeringPath}");

static string Start(string text, int length)
{
    string line = text.ReplaceLineEndings(" ");
    return line.Length <= length ? line : line[..length] + "...";
}
