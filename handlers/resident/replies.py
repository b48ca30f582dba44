"""Everything the desk says to residents, in one place, in the polite phrases of DOMAIN.md.

Kept together so the wording can be reviewed as a whole and checked by the etiquette filter
(tests/test_etiquette.py runs every template through it). The names of categories and kinds are the
tickets' own words (handlers.tickets.wording), said to residents too.
"""
from __future__ import annotations

# The tickets' own words, part of what residents read (and reviewed with it).
from ..tickets.wording import CATEGORY_NAMES, KIND_NAMES, address_text, category_name  # noqa: F401

STATUS_NAMES = {"new": "已受理，正在派单", "accepted": "已派单，师傅已接单", "on_site": "师傅已到场处理",
                "done": "已处理完成，待您确认", "closed": "已办结", "reopened": "重新处理中", "cancelled": "已取消",
                "incident": "已并入同一故障统一抢修，恢复后会第一时间通知您"}

WELCOME = ("您好，欢迎关注锦绣物业服务中心！报修、投诉、咨询都可以直接在这里留言，我们24小时有人值班。"
           "为了更快为您服务，请告诉我们您的楼栋、单元和房号（例如：3栋2单元1201）。")
HELP = ("您好，请问有什么可以帮您？您可以直接描述需要维修的问题、想反映的情况或想咨询的事情，"
        "例如“3栋2单元1201 厨房水龙头漏水”。查询进度请发送“我的报修”。")
TYPE_PLEASE = "您好，这类消息我们暂时无法查看，麻烦您用文字描述一下您的需求，我们马上为您处理。"
VOICE_PLEASE = "您好，这条语音我们暂时没能识别，麻烦您用文字简单描述一下问题，我们马上为您处理。"
SORRY_ERROR = "非常抱歉，系统刚才处理您的消息时出了点问题，我们已通知值班同事，请您稍后再发一次，或拨打24小时值班电话0571-88886666。"
THANKS = "不客气，这是我们应该做的。请问还有其他需要帮助的吗？"
GREET = "您好，请问有什么可以帮您？报修、投诉、咨询都可以直接留言。"

ASK_DESCRIPTION = "好的，请您描述一下需要维修的问题（例如：厨房水龙头漏水），有照片也可以直接发给我们。"
ASK_COMPLAINT = "您好，请您说一下想反映的情况，我们会认真核实处理。"
ASK_INQUIRY = "您好，请问您想咨询什么问题？"
ASK_ADDRESS = "请问需要上门的地址是哪里？请告诉我们楼栋、单元和房号（例如：3栋2单元1201）。"
ASK_ADDRESS_AGAIN = "抱歉，我们还没能识别出地址，麻烦您按“楼栋+单元+房号”的格式再发一次，例如：3栋2单元1201。"
ASK_PUBLIC_PLACE = "请问是哪一栋（或小区哪个位置）的设施出了问题？例如：5栋2单元电梯、北门道闸。"
ASK_PHONE = "请留一个方便联系的手机号码，师傅上门前会先和您电话确认。"
ASK_PHONE_AGAIN = "抱歉，没能识别出电话号码，麻烦您再发一次11位手机号或座机号码。"
ASK_TIME = "请问师傅什么时间上门比较方便？例如：今天下午、明天上午10点，或回复“随时”。"
ASK_TIME_AGAIN = "抱歉，没能识别出时间，麻烦您再说一下方便的时间，例如“明天下午3点以后”，或回复“随时”。"
CANCELLED = "好的，已为您取消这次报修。如果之后还需要帮助，随时给我们留言。"
NOTHING_TO_CANCEL = "好的。请问还有其他需要帮助的吗？"

SAFETY_TIPS = {
    "gas": "请立即关闭燃气总阀、打开门窗通风，不要开关电器或使用明火，人员先到室外安全处等候。",
    "electricity": "请先断开家里的总电闸，不要用手触碰冒烟或打火的电器和电线。",
    "water": "请先关闭家里的进水总阀，把贵重物品和电器移到高处，注意用电安全。",
    "drain": "请先暂停用水，避免污水继续外溢，注意防滑。",
    "lift": "被困人员请保持冷静，不要扒门或强行离开轿厢，可按电梯内的警铃或拨打电梯内救援电话，我们的人员正在赶来。",
    "structure": "请先远离可能坠落的位置，提醒家人和路过的邻居绕行。",
    "appliance": "请先断开设备电源，远离冒烟或漏水的位置。",
}


def confirm_address(address: str) -> str:
    """Asking once whether a learnt address is still the one."""
    return f"请问这次还是到{address}吗？回复“是”确认，或直接告诉我们新的地址。"


def repair_created(code: str, urgent: bool, due: str, address: str, category: str | None,
                   preferred: str | None, tip: str | None) -> str:
    """A repair accepted: its code, when someone comes, and for urgent ones what to do meanwhile."""
    what = f"（{category_name(category)}）" if category_name(category) else ""
    where = f"，地址{address}" if address else ""
    if urgent:
        text = (f"已按紧急报修为您受理{what}，工单号 {code}{where}。我们立即安排处理，"
                f"维修人员将在30分钟内（{due}前）到场。")
        return text + (tip or "")
    when = f"按您约定的时间（{preferred}）上门" if preferred else f"在{due}前上门"
    return f"已为您受理报修{what}，工单号 {code}{where}。我们会安排师傅{when}，上门前会先电话联系您。谢谢您的配合！"


URGENT_STILL_NEEDED = "为了让维修人员尽快找到您，"


def urgent_details_added(code: str) -> str:
    """An answer added to an urgent ticket already on its way; the next question follows."""
    return f"好的，已补充到紧急工单 {code}，维修人员正在赶来。"


def urgent_complete(code: str, address: str) -> str:
    """The last missing detail of an urgent ticket added."""
    where = f"（地址{address}）" if address else ""
    return (f"好的，已补充到紧急工单 {code}{where}，维修人员正在赶来，请保持电话畅通。"
            f"如有新的情况，请随时告诉我们。")


def complaint_created(code: str, due: str, for_manager: bool) -> str:
    """A complaint recorded: an apology, its code and when the resident hears back."""
    escalated = "已同时报告项目经理，" if for_manager else ""
    return (f"非常抱歉，给您添麻烦了！您反映的情况我们已经记录，工单号 {code}。{escalated}"
            f"我们会认真核实，并在{due}前给您回复处理结果。谢谢您的理解和监督。")


def inquiry_ticket_created(code: str, due: str) -> str:
    """A question the knowledge base cannot answer: recorded, with a promised reply time."""
    return (f"您的问题我们已经记录（工单号 {code}），正在请相关同事核实，"
            f"会在{due}前给您答复。谢谢您的耐心！")


def inquiry_suggestion(answer: str) -> str:
    """A knowledge-base answer the desk is not sure of, with the offer of a colleague."""
    return f"{answer}\n\n如果没有解答您的问题，请回复“人工”，我们请同事专门为您答复。"


def repeat_report(code: str, kind: str) -> str:
    """A problem reported again: joined to the open ticket and hurried along."""
    label = KIND_NAMES.get(kind, "工单")
    return (f"非常抱歉让您再次反映！这个问题已有{label}工单 {code} 正在处理中，"
            f"我们已为您加急，并报告主管跟进，会尽快给您回复。谢谢您的理解。")


def image_attached(code: str) -> str:
    """A photo added to an open ticket."""
    return f"照片已收到，已补充到工单 {code}，谢谢您！"


def image_kept() -> str:
    """A photo without a request: asking what it is about."""
    return "照片已收到。请问需要我们处理什么问题？麻烦用文字简单描述一下，我们马上为您安排。"


def location_attached(code: str) -> str:
    """A location added to an open ticket."""
    return f"位置已收到，已补充到工单 {code}，维修人员会按这个位置找到您。"


def location_kept() -> str:
    """A location without a request: asking what it is about."""
    return "位置已收到。请问这里有什么问题需要处理？麻烦用文字简单描述一下。"


def address_saved(address: str) -> str:
    """An address remembered."""
    return f"好的，已记下您的地址：{address}。请问还有其他需要帮助的吗？"


def phone_saved() -> str:
    """A phone number remembered."""
    return "好的，已记下您的联系电话。请问还有其他需要帮助的吗？"


def progress(lines: list[str]) -> str:
    """The resident's open tickets, one line each."""
    if not lines:
        return "您目前没有正在处理的工单。如需报修、投诉或咨询，直接留言就可以。"
    return "您目前有以下工单正在处理：\n" + "\n".join(lines) + "\n如有疑问，可以随时留言。"


def progress_line(code: str, kind: str, category: str | None, status: str, due: str | None) -> str:
    """One open ticket: code, kind, state and promised time."""
    what = category_name(category)
    label = KIND_NAMES.get(kind, "") + (f"·{what}" if what else "")
    promise = f"，预计{due}前" if due and status in ("new", "accepted", "reopened") else ""
    return f"· {code}（{label}）：{STATUS_NAMES.get(status, status)}{promise}"
