"""What residents and staff are told about bindings, in one place (polite Chinese, no 服务禁用语)."""
from __future__ import annotations

ROLE_NAMES = {"owner": "业主", "family": "家属", "tenant": "租客"}
STATE_NAMES = {"pending": "待审核", "active": "已绑定", "refused": "未通过", "ended": "已解除"}

ASK_ADDRESS = ("好的，我们来为您绑定房屋。请发送房屋地址，例如：锦绣花园3栋2单元1201。"
               "如果您是业主，也可以直接发送在物业登记的手机号。")
ASK_ADDRESS_AGAIN = "抱歉，我们还没能识别出地址，麻烦您按“小区+楼栋+单元+房号”再发一次，例如：锦绣花园3栋2单元1201。"
ASK_PHONE = ("请发送您的手机号。业主使用在物业登记的手机号可以立即绑定；"
             "家属、租客或号码有变化的，提交后由物业服务中心核实。")
ASK_PHONE_AGAIN = "抱歉，没能识别出手机号，麻烦您再发一次11位手机号码。"
ASK_ROLE = ("这个手机号与物业登记的业主电话不一致，我们需要请物业服务中心核实一下。"
            "请问您是这套房屋的：1 业主；2 家属；3 租客？回复数字或文字即可。")
ASK_ROLE_AGAIN = "麻烦您回复 1（业主）、2（家属）或 3（租客）。"
ASK_TENANT_UNTIL = "请问租期到什么时候？例如：2027-06-30。不方便提供的话回复“跳过”即可。"
NO_ROSTER = ("非常抱歉，{estate}的房屋信息还在录入中，暂时无法在线绑定。"
             "麻烦您携带房产证明或租赁合同到物业服务中心办理，给您添麻烦了。")
NO_ESTATES = "非常抱歉，房屋信息还在录入中，暂时无法在线绑定。麻烦您到物业服务中心办理，给您添麻烦了。"
NOT_CONFIRMED = "好的，这次先不绑定。请重新发送您要绑定的房屋地址，或回复“取消”结束。"
CANCELLED = "好的，已取消房屋绑定。之后需要时回复“绑定房屋”即可。"
NOTHING_BOUND = "您目前还没有绑定房屋。回复“绑定房屋”即可绑定，报修时就不用每次填写地址了。"
UNBIND_NOTHING = "您目前没有已绑定的房屋，不需要解除。请问还有其他需要帮助的吗？"
UNBIND_KEPT = "好的，绑定保持不变。请问还有其他需要帮助的吗？"
CONFIRM_AGAIN = "麻烦您回复“是”确认，或回复“不是”重新填写。"
GIVE_UP = "抱歉，我们暂时没能在线完成绑定。麻烦您到物业服务中心办理，或稍后回复“绑定房屋”再试一次。"
PICK_HOUSE_AGAIN = "麻烦您回复房屋前面的序号，或直接告诉我们地址。"
MOVED_DONE_TAIL = "如果您搬到了我们服务的其他房屋，回复“绑定房屋”即可绑定新的住址。祝您生活愉快！"


def which_estate(names: list[str]) -> str:
    """Several estates and none named: which one."""
    return "请问您的房屋在哪个小区？例如：" + "、".join(names[:5]) + "。"


def confirm_house(address: str, owner: str) -> str:
    """A roster match: the resident confirms the house before it is bound."""
    return f"查到您在物业登记的房屋：{address}（业主 {owner}）。回复“是”确认绑定，回复“不是”重新填写。"


def confirm_houses(lines: list[str]) -> str:
    """A phone that owns several houses: bind all, or the one chosen."""
    return ("查到您在物业登记的房屋：\n" + "\n".join(lines) +
            "\n回复“是”全部绑定，或回复序号只绑定其中一处。")


def bound(addresses: list[str], role: str) -> str:
    """Bound at once."""
    return (f"绑定成功！您已绑定{'、'.join(addresses)}（{ROLE_NAMES[role]}）。以后报修不用再填写地址，"
            f"有多处房屋时我们会先问您是哪一处。谢谢您的信任！")


def already(address: str) -> str:
    """The resident is already bound (or waiting) for this house."""
    return f"您已经绑定（或已申请绑定）{address}，不需要重复办理。请问还有其他需要帮助的吗？"


def submitted(address: str, role: str, due: str) -> str:
    """A request handed to the estate's desk."""
    return (f"已为您提交房屋认证申请：{address}（{ROLE_NAMES[role]}）。物业服务中心会尽快核实，"
            f"最晚{due}前给您答复。谢谢您的耐心！")


def approved(address: str, role: str) -> str:
    """The desk approved a request."""
    return (f"您好，您的房屋认证申请已通过：{address}（{ROLE_NAMES[role]}）。"
            f"以后报修不用再填写地址了。谢谢您的配合！")


def refused(address: str) -> str:
    """The desk refused a request: politely, with the way forward."""
    return (f"您好，非常抱歉，您申请绑定{address}的信息暂时未能核实通过。"
            f"麻烦您携带房产证明、租赁合同或业主的授权到物业服务中心办理，我们会尽快为您处理。给您添麻烦了！")


def delayed(address: str) -> str:
    """The request's deadline passed: told so, not dropped (首位责任制)."""
    return (f"您好，非常抱歉让您久等了！您绑定{address}的申请还在核实中，我们已请主管跟进，"
            f"核实后会第一时间通知您。谢谢您的理解！")


def house_list(lines: list[str], pending: list[str]) -> str:
    """The resident's houses."""
    text = "您已绑定的房屋：\n" + "\n".join(lines) if lines else "您目前还没有已绑定的房屋。"
    if pending:
        text += "\n正在审核的申请：\n" + "\n".join(pending)
    return text + "\n如需解除绑定，请回复“解绑房屋”。"


def pick_unbind(lines: list[str]) -> str:
    """Several houses: which one to unbind."""
    return "请问要解除哪一处房屋的绑定？\n" + "\n".join(lines) + "\n回复序号，或回复“全部”。"


def confirm_unbind(addresses: list[str], moved: bool) -> str:
    """Asking once before bindings end."""
    lead = "好的，祝您乔迁顺利！" if moved else ""
    return f"{lead}确认解除与{'、'.join(addresses)}的绑定吗？回复“是”确认，回复“不是”保留。"


def unbound(addresses: list[str], moved: bool) -> str:
    """Bindings ended."""
    text = f"已为您解除与{'、'.join(addresses)}的绑定。"
    return text + (MOVED_DONE_TAIL if moved else "请问还有其他需要帮助的吗？")


def pick_house(lines: list[str]) -> str:
    """A repair by a resident with several houses: asked once which."""
    return "请问这次需要上门的是哪一处房屋？\n" + "\n".join(lines) + "\n回复序号，或直接告诉我们地址。"


def numbered(addresses: list[str]) -> list[str]:
    """1. 锦绣花园3栋2单元1201 …"""
    return [f"{i}. {address}" for i, address in enumerate(addresses, 1)]


# Staff side (the estate's group): names and phones masked (保守业主隐私).
def request_card(number: int, address: str, role: str, phone: str, owner: str, owner_phone: str,
                 tenant_until: str | None, due: str) -> str:
    """The request the estate's desk approves or refuses."""
    until = f"（租期至{tenant_until}）" if tenant_until else ""
    return (f"🏠 房屋认证申请 #{number}\n房屋：{address}\n申请身份：{ROLE_NAMES[role]}{until}\n"
            f"申请人电话：{phone}\n登记业主：{owner} {owner_phone}\n"
            f"请核实（可电话联系登记业主）后处理，时限：{due}")


def decided_note(number: int, approve: bool, who: str) -> str:
    """Told in the group once a member decided."""
    return f"{'✅' if approve else '❎'} 房屋认证申请 #{number} {'已通过' if approve else '未通过'}（{who}），已通知住户。"


def overdue_note(number: int, address: str) -> str:
    """To the group and the managers when nobody decided in time."""
    return f"⏰ 房屋认证申请 #{number}（{address}）已超过处理时限，住户仍在等待答复，请尽快核实处理。"
