// Extractive question answering: all-MiniLM-L6-v2 fine-tuned on SQuAD v1.1 questions answers questions about a paragraph the user
// types, with a span of that paragraph.
//   dotnet run -c Release --project src/Samples/QuestionAnswering                 all 11,877 training questions, 1 epoch (about 90 minutes
//                                                                                 on 2 cores), evaluated on 1,000 dev questions
//   dotnet run -c Release --project src/Samples/QuestionAnswering -- --quick      4 steps on 32 training questions, 20 dev questions (its answers are poor)
//   ... -- --train-questions 2000        how many training questions; --context "..." --question "..."   no questions asked
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention.Samples;
using QuestionAnswering;

var arguments = new SampleArguments("QuestionAnswering", args);
int trainQuestions = int.Parse(arguments.Value("train-questions") ?? (arguments.Quick ? "32" : "11877"), System.Globalization.CultureInfo.InvariantCulture);
int devQuestions = arguments.Quick ? 20 : 1000;
var mlContext = new MLContext(seed: 1);
var train = QuestionAnsweringModel.LoadTrainingData(mlContext, trainQuestions);
Console.WriteLine($"Fine-tuning all-MiniLM-L6-v2 for question answering on {trainQuestions} SQuAD v1.1 training questions{(arguments.Quick ? " (quick mode)" : "")}");

var watch = Stopwatch.StartNew();
var model = QuestionAnsweringModel.Train(QuestionAnsweringModel.BuildPipeline(mlContext, arguments.Quick), train);
Console.WriteLine($"Trained in {watch.Elapsed.TotalSeconds:F0} s");
var metrics = QuestionAnsweringModel.Evaluate(model, QuestionAnsweringModel.LoadDevData(mlContext, devQuestions));
Console.WriteLine($"SQuAD v1.1 dev, first {metrics.Count} questions: exact match {metrics.ExactMatch:F1}, F1 {metrics.F1:F1}");

string path = Path.Combine(arguments.Output, "QuestionAnswering.zip");
QuestionAnsweringModel.SaveModel(mlContext, model, train.Schema, path);
(model as IDisposable)?.Dispose();
Console.WriteLine($"Saved: {path}");

QuestionAnsweringModel.ModelPath = path;
string exampleContext = "The Normans were the people who in the 10th and 11th centuries gave their name to Normandy, a region in France. "
    + "They were descended from Norse raiders and pirates from Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear "
    + "fealty to King Charles III of West Francia.";
foreach (string context in arguments.Inputs("context", "Paragraph", exampleContext))
{
    foreach (string question in arguments.Inputs("question", "Question", "Who was the leader of the Norse raiders?"))
    {
        var answer = QuestionAnsweringModel.Predict(new ModelInput { Question = question, Context = context });
        Console.WriteLine($"Q: {question}");
        Console.WriteLine($"A: {answer.Answer} (characters {answer.AnswerStart}-{answer.AnswerStart + answer.Answer.Length}, score {answer.Score:F2})");
    }
}
